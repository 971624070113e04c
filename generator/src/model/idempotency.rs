//! Which header of an operation carries an idempotency key: the runtime generates one when the
//! caller sets none and, the server recognising a repeat by it, retries `POST` and `PATCH`
//! as it retries idempotent methods.

use super::ir::{Location, Param};

/// The wire name of the first header parameter named like an idempotency key
/// (`Idempotency-Key`, `X-Idempotency-Key`, `idempotency_key`, any case).
pub fn header(params: &[Param]) -> Option<String> {
    params.iter().find(|p| p.location == Location::Header && is_key_name(&p.wire)).map(|p| p.wire.clone())
}

/// `idempotency-key`, alone or as the last words of a vendor's name; `_` counts as `-`.
fn is_key_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase().replace('_', "-");
    name == "idempotency-key" || name.ends_with("-idempotency-key")
}

#[cfg(test)]
mod tests {
    use super::is_key_name;

    #[test]
    fn idempotency_key_names_in_any_spelling() {
        for name in
            ["Idempotency-Key", "idempotency-key", "X-Idempotency-Key", "Idempotency_Key", "x-acme-idempotency-key"]
        {
            assert!(is_key_name(name), "{name}");
        }
        for name in ["Idempotency", "X-Request-Id", "Idempotency-Keys", "myidempotency-key"] {
            assert!(!is_key_name(name), "{name}");
        }
    }
}
