//! `cargo xtask fuzz --only runtime`: everything in the runtime that reads what a server sends,
//! fed random, nearly valid and broken input. A case fails when it panics, when a parser
//! disagrees with a straightforward reference (the event-stream and line framings), when a
//! property does not hold (a decoded value that does not come back the same through encoding,
//! events lost or repeated across reconnections), when it allocates more than its bound (a
//! counting allocator measures each case), or when it runs for seconds (a watchdog ends the
//! process, naming it).
//!
//! The engine is this crate's own seeded generator, as the generator's fuzzer (`fuzz.rs`) has:
//! it runs on the stable toolchain CI has (cargo-fuzz needs nightly and libFuzzer's sanitizer
//! runtime), adds no dependency, and replays any case from its seed. Coverage guidance is
//! traded for inputs built from each format's own tokens, which reach deep without it.

pub mod alloc;
mod decoders;
mod headers;
mod input;
mod lines;
mod sse;

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::fuzz::Rng;

/// One target: a case from a generator seeded with its seed, giving the size of its input.
type Case = fn(&mut Rng) -> Result<usize, String>;

const TARGETS: &[(&str, Case)] = &[
    ("event-stream", sse::differential),
    ("event-stream resumption", sse::resumption),
    ("json lines", lines::differential),
    ("decoders", decoders::decoders),
    ("union tag", decoders::tag_skimmer),
    ("retry-after", headers::retry),
    ("date-time", headers::date_time),
];

/// What a case may allocate at its peak: a fixed allowance plus a multiple of its input. The
/// inputs are small (under a few kilobytes), so this is far above need and far below what an
/// unbounded reservation (a length read from the input, a quadratic copy) would take.
const ALLOWANCE: usize = 1 << 20;
const PER_INPUT_BYTE: usize = 256;

/// How long one case may run before it is taken for a loop.
const WATCHDOG: Duration = Duration::from_secs(20);

#[derive(Debug, Default)]
pub struct Report {
    /// Cases run, per target (in the order of [`TARGETS`]).
    pub cases: Vec<(&'static str, u64)>,
    /// (target, seed, what went wrong)
    pub failures: Vec<(&'static str, u64, String)>,
}

/// Runs the case of `seed`: the target is chosen by the seed, so any seed replays alone.
pub fn one(seed: u64) -> (&'static str, Result<(), String>) {
    let (name, case) = TARGETS[(seed % TARGETS.len() as u64) as usize];
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| alloc::peak_during(|| case(&mut rng))));
    let result = match outcome {
        Ok((Ok(size), peak)) if peak > ALLOWANCE + PER_INPUT_BYTE * size => {
            Err(format!("allocated {peak} bytes at its peak for an input of {size}"))
        }
        Ok((Ok(_), _)) => Ok(()),
        Ok((Err(message), _)) => Err(message),
        Err(payload) => Err(format!(
            "panic: {}",
            payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default()
        )),
    };
    (name, result)
}

pub fn run(budget: Duration, first_seed: u64) -> Report {
    let mut report = Report { cases: TARGETS.iter().map(|(name, _)| (*name, 0)).collect(), failures: Vec::new() };
    let started = Instant::now();
    // The watchdog: the seed being run and since when (ms after `started`), checked every 100 ms.
    let current = Arc::new((AtomicU64::new(u64::MAX), AtomicU64::new(0), AtomicBool::new(false)));
    let watched = Arc::clone(&current);
    let watchdog = std::thread::spawn(move || {
        let (seed, since, done) = &*watched;
        while !done.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(100));
            let running = started.elapsed().as_millis() as u64 - since.load(Ordering::Relaxed);
            if seed.load(Ordering::Relaxed) != u64::MAX && running > WATCHDOG.as_millis() as u64 {
                let seed = seed.load(Ordering::Relaxed);
                eprintln!(
                    "fuzz: the case of seed {seed} has run for {running} ms: a loop? (replay with --seed {seed})"
                );
                std::process::exit(3);
            }
        }
    });
    let previous_hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let mut seed = first_seed;
    while started.elapsed() < budget {
        current.1.store(started.elapsed().as_millis() as u64, Ordering::Relaxed);
        current.0.store(seed, Ordering::Relaxed);
        let (name, result) = one(seed);
        current.0.store(u64::MAX, Ordering::Relaxed);
        if let Some(count) = report.cases.iter_mut().find(|(n, _)| *n == name) {
            count.1 += 1;
        }
        if let Err(message) = result {
            report.failures.push((name, seed, message));
        }
        seed = seed.wrapping_add(1);
    }
    panic::set_hook(previous_hook);
    current.2.store(true, Ordering::Relaxed);
    let _ = watchdog.join();
    report
}

/// Prints the report; an error when a case failed.
pub fn cli(seconds: u64, seed: u64) -> Result<(), String> {
    let report = run(Duration::from_secs(seconds), seed);
    let total: u64 = report.cases.iter().map(|(_, n)| n).sum();
    let each: Vec<String> = report.cases.iter().map(|(name, n)| format!("{name} {n}")).collect();
    println!("runtime: {total} cases in {seconds} s ({}), {} failed", each.join(", "), report.failures.len());
    for (name, _) in &report.cases {
        let failed = report.failures.iter().filter(|(n, _, _)| n == name).count();
        if failed > 0 {
            println!("{name}: {failed} failed");
        }
    }
    // The first three failures of each target.
    let mut shown: Vec<&str> = Vec::new();
    for (name, seed, message) in &report.failures {
        if shown.iter().filter(|n| *n == name).count() == 3 {
            continue;
        }
        shown.push(name);
        let message: String = message.chars().take(1500).collect();
        println!("{name} failed (replay with --only runtime --seed {seed} --cases 1): {message}");
    }
    if report.failures.is_empty() {
        Ok(())
    } else {
        Err("a parser of server input failed".into())
    }
}

/// Replays `count` cases from `seed`, with their panics shown.
pub fn replay(seed: u64, count: u64) -> Result<(), String> {
    let mut failed = 0;
    for seed in seed..seed + count {
        let (name, result) = one(seed);
        if let Err(message) = result {
            failed += 1;
            println!("{name}, seed {seed}: {message}");
        }
    }
    println!("runtime: {count} cases replayed, {failed} failed");
    if failed == 0 {
        Ok(())
    } else {
        Err("a parser of server input failed".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A bounded run in every `cargo test`; `cargo xtask fuzz --only runtime --seconds N` for
    /// longer ones.
    #[test]
    fn parsers_of_server_input_never_panic_and_keep_their_properties() {
        let report = run(Duration::from_secs(15), 0);
        assert!(report.cases.iter().all(|(_, n)| *n > 50), "{:?}", report.cases);
        let shown: Vec<_> = report.failures.iter().take(5).collect();
        assert!(report.failures.is_empty(), "{} failures: {shown:#?}", report.failures.len());
    }

    /// The counting allocator sees what a case allocates, so the bound can fail.
    #[test]
    fn the_allocation_bound_sees_an_allocation() {
        let (_, peak) = alloc::peak_during(|| std::hint::black_box(vec![0u8; 3 << 20]));
        assert!(peak >= 3 << 20, "{peak}");
    }
}
