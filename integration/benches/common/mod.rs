//! What the benchmarks share: per-call times recorded beside criterion's own, so that each
//! bench can print the medians of the same samples criterion analyses, and their ratio.

use std::cell::RefCell;
use std::time::{Duration, Instant};

/// Runs `call` `iters` times, and records the time per call as well as returning the total.
pub async fn timed<F: std::future::Future<Output = ()>>(
    iters: u64,
    timings: &RefCell<Vec<f64>>,
    call: impl Fn() -> F,
) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        call().await;
    }
    let elapsed = start.elapsed();
    timings.borrow_mut().push(elapsed.as_secs_f64() / iters as f64);
    elapsed
}

/// The median of the last `count` timings (criterion's measurement; earlier ones are its
/// warm-up); `None` when criterion did not run the benchmark (filtered out, or `--test`).
pub fn median_of_last(mut timings: Vec<f64>, count: usize) -> Option<f64> {
    if timings.len() < count {
        return None;
    }
    let mut last = timings.split_off(timings.len() - count);
    last.sort_by(f64::total_cmp);
    Some(last[count / 2])
}
