//! Inputs for the runtime's fuzz targets: bytes built from the tokens a format is made of (so
//! that most inputs reach deep into a parser) with raw noise among them, the places a body is
//! cut into reads, and JSON that is valid, nearly valid, or neither.

use serde_json::{Map, Value};

use crate::fuzz::Rng;

pub fn pick<T: Copy>(rng: &mut Rng, items: &[T]) -> T {
    items[rng.below(items.len())]
}

/// Up to `max` tokens from `alphabet`, one in eight a random byte instead.
pub fn tokens(rng: &mut Rng, alphabet: &[&[u8]], max: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for _ in 0..rng.below(max + 1) {
        if rng.below(8) == 0 {
            out.push(rng.next() as u8);
        } else {
            out.extend_from_slice(pick(rng, alphabet));
        }
    }
    out
}

/// `bytes` cut into reads at random places: one byte each, a few pieces, or anything between.
pub fn reads<'a>(rng: &mut Rng, bytes: &'a [u8]) -> Vec<&'a [u8]> {
    let most = match rng.below(4) {
        0 => 1,
        1 => bytes.len().max(1),
        _ => 1 + rng.below(16),
    };
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let (piece, after) = rest.split_at(1 + rng.below(most.min(rest.len())));
        out.push(piece);
        rest = after;
    }
    out
}

/// A random JSON value whose object members are named from `keys` (so that they hit the
/// members a type declares), nested `depth` levels at most.
pub fn json(rng: &mut Rng, depth: usize, keys: &[&str], strings: &[&str]) -> Value {
    match rng.below(if depth == 0 { 6 } else { 9 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => Value::from(rng.next() as i64 >> rng.below(64)),
        3 => Value::from([0.5, -0.0, 1e300, -2.25, 3.0, 1e-7][rng.below(6)]),
        4 | 5 => Value::from(pick(rng, strings)),
        6 => Value::Array((0..rng.below(4)).map(|_| json(rng, depth - 1, keys, strings)).collect()),
        _ => {
            let mut map = Map::new();
            for _ in 0..rng.below(6) {
                map.insert(pick(rng, keys).to_string(), json(rng, depth - 1, keys, strings));
            }
            Value::Object(map)
        }
    }
}

const JSON_NOISE: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "null",
    "true",
    "1e999",
    "-0",
    "0.1",
    "\\u0000",
    "\\ud800",
    "\"\\u00e9\"",
    " ",
    "\n",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "\"x\"",
];

/// `text` changed a little: cut short, a piece dropped or repeated, a token or a member put in
/// (often a member the value already has, with another value), a byte changed.
pub fn near_valid(rng: &mut Rng, text: &str, keys: &[&str], strings: &[&str]) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..=rng.below(3) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(6) {
            0 => bytes.truncate(at),
            1 => {
                let end = (at + rng.below(8)).min(bytes.len());
                bytes.drain(at..end);
            }
            2 => {
                let token = pick(rng, JSON_NOISE).as_bytes();
                bytes.splice(at..at, token.iter().copied());
            }
            3 => {
                // A member after an opening brace: a duplicate, most often.
                if let Some(brace) = bytes.iter().skip(at).position(|&b| b == b'{') {
                    let value = json(rng, 1, keys, strings);
                    let member = format!("{}:{value},", Value::from(pick(rng, keys)));
                    let at = at + brace + 1;
                    bytes.splice(at..at, member.bytes());
                }
            }
            4 => {
                let end = (at + rng.below(16)).min(bytes.len());
                let piece = bytes[at..end].to_vec();
                bytes.splice(at..at, piece);
            }
            _ => {
                if at < bytes.len() {
                    bytes[at] = rng.next() as u8;
                }
            }
        }
    }
    bytes
}
