//! `Retry-After` (delta-seconds or an HTTP-date) and RFC 3339 date-times, on arbitrary and
//! nearly valid text. (The runtime reads no `Link` header and decodes no form or multipart
//! response: it only sends those.)

use std::time::Duration;

use apigen_runtime::fuzzing::{retry_after, within_deadline};
use apigen_runtime::{rfc3339, HeaderMap};

use super::input::{pick, tokens};
use crate::fuzz::Rng;

const RETRY_AFTER: &[&[u8]] = &[
    b"0",
    b"1",
    b"9",
    b"18446744073709551615",
    b"18446744073709551616",
    b" ",
    b"\t",
    b"-",
    b"+",
    b".5",
    b"Wed, ",
    b"21 Oct 2015 07:28:00 GMT",
    b"Fri, 31 Dec 9999 23:59:59 GMT",
    b"Thu, 01 Jan 1970 00:00:00 GMT",
    b"GMT",
    b"e3",
    b"Sunday, 06-Nov-94 08:49:37 GMT",
    b"Sun Nov  6 08:49:37 1994",
    b"\xC3\xA9",
];

/// Any header value: `None` or a delay, never a panic; digits alone are that many seconds; and
/// the deadline check that follows never overflows, whatever the delay and the time spent.
pub fn retry(rng: &mut Rng) -> Result<usize, String> {
    let text = tokens(rng, RETRY_AFTER, 4);
    let Ok(value) = apigen_runtime::reqwest::header::HeaderValue::from_bytes(&text) else { return Ok(text.len()) };
    let mut headers = HeaderMap::new();
    headers.insert("retry-after", value);
    let delay = retry_after(&headers);
    let trimmed = String::from_utf8_lossy(&text).trim().to_owned();
    if let Ok(seconds) = trimmed.parse::<u64>() {
        if delay != Some(Duration::from_secs(seconds)) {
            return Err(format!("Retry-After {trimmed:?} read as {delay:?}"));
        }
    }
    if let Some(delay) = delay {
        let elapsed = Duration::from_millis(rng.next() >> rng.below(64));
        let deadline = pick(rng, &[Duration::ZERO, Duration::from_secs(60), Duration::MAX]);
        let within = within_deadline(elapsed, delay, deadline);
        if within != elapsed.checked_add(delay).is_some_and(|end| end <= deadline) {
            return Err(format!("within_deadline({elapsed:?}, {delay:?}, {deadline:?}) = {within}"));
        }
    }
    Ok(text.len())
}

const DATE_TIME: &[&str] = &[
    "2024",
    "-",
    "05",
    "01",
    "T",
    "t",
    " ",
    "10",
    ":",
    "20",
    "30",
    ".",
    "5",
    "123456789",
    "1234567890",
    "Z",
    "z",
    "+",
    "02:00",
    "23:59",
    "24:00",
    "00",
    "60",
    "9999",
    "0000",
    "12",
    "31",
    "02",
    "29",
    "1900",
];

/// Nearly valid RFC 3339 text: no panic, and what parses writes back as text that parses to the
/// same instant with the same offset.
pub fn date_time(rng: &mut Rng) -> Result<usize, String> {
    let text = if rng.below(2) == 0 {
        let mut parts = vec!["2024", "-", "05", "-", "01", "T", "10", ":", "20", ":", "30", ".", "5", "+", "02:00"];
        for _ in 0..=rng.below(3) {
            let at = rng.below(parts.len());
            match rng.below(3) {
                0 => parts[at] = pick(rng, DATE_TIME),
                1 => {
                    parts.remove(at);
                }
                _ => parts.insert(at, pick(rng, DATE_TIME)),
            }
        }
        parts.concat()
    } else {
        (0..rng.below(12)).map(|_| pick(rng, DATE_TIME)).collect()
    };
    let Ok(parsed) = rfc3339::parse(&text) else { return Ok(text.len()) };
    let written = rfc3339::text(&parsed);
    match rfc3339::parse(&written) {
        Ok(again) if again == parsed && again.offset() == parsed.offset() => Ok(text.len()),
        other => Err(format!("{text:?} parsed as {parsed}, written as {written:?}, read back as {other:?}")),
    }
}
