//! Helpers shared by the runtime's test binaries.

use std::time::Duration;

use apigen_runtime::RetryPolicy;

/// Quick backoff so the tests stay fast; everything else as the defaults.
pub fn fast() -> RetryPolicy {
    RetryPolicy {
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        ..RetryPolicy::default()
    }
}
