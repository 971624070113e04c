//! An example conformance program for a generated crate: every example payload of the document
//! ([`crate::model::payload_examples`]) decoded into its generated type and encoded again.
//! `cargo xtask examples` writes it into the crate's `tests/` and compares what comes back.

use proc_macro2::TokenStream;

use super::rust::rust_type;
use crate::model::payload_examples::PayloadExample;
use crate::Options;

/// The test program (`tests/examples.rs`) and its data (`tests/examples.json`: the values, in
/// the program's order). It writes one JSON line per example to the file `EXAMPLES_OUT` names:
/// `{"encoded": …}` when the value decoded, `{"error": "…"}` when it did not; a form body's
/// `encoded` is the `[name, value]` pairs the client sends.
pub fn examples_test(examples: &[PayloadExample], options: &Options) -> (String, String) {
    let krate = options.crate_name.replace('-', "_");
    let prefix: TokenStream = format!("{krate}::types::").parse().expect("a crate name is a path");
    let mut table = String::new();
    for example in examples {
        let ty = rust_type(&example.ty, &prefix).to_string();
        let check = if example.form { "form_round_trip" } else { "round_trip" };
        table.push_str(&format!("    ({:?}, {check}::<{ty}>),\n", example.pointer));
    }
    let program = format!(
        r#"//! Written by `cargo xtask examples`: each example payload of the document decoded into the
//! `{krate}` type the client uses for it, and encoded again. The comparison is the xtask's.
#![allow(deprecated, dead_code)]

use std::io::Write as _;

/// Decoded as the client decodes a response (`from_slice`), encoded as it sends a body (`to_vec`).
fn round_trip<T: apigen_runtime::serde::de::DeserializeOwned + apigen_runtime::serde::Serialize>(text: &[u8]) -> Result<serde_json::Value, String> {{
    let value: T = serde_json::from_slice(text).map_err(|e| e.to_string())?;
    let bytes = serde_json::to_vec(&value).map_err(|e| format!("encoding: {{e}}"))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("encoded text is not JSON: {{e}}"))
}}

/// A form body: decoded from the example (its form text already read as JSON values), encoded
/// as the client sends it, and given back as its `[name, value]` pairs.
fn form_round_trip<T: apigen_runtime::serde::de::DeserializeOwned + apigen_runtime::serde::Serialize>(text: &[u8]) -> Result<serde_json::Value, String> {{
    let value: T = serde_json::from_slice(text).map_err(|e| e.to_string())?;
    let pairs = apigen_runtime::form::pairs(&value).map_err(|e| format!("encoding: {{e}}"))?;
    Ok(serde_json::json!(pairs))
}}

type Check = fn(&[u8]) -> Result<serde_json::Value, String>;

const EXAMPLES: &[(&str, Check)] = &[
{table}];

#[test]
fn examples_decode_and_encode() {{
    let values: Vec<serde_json::Value> = serde_json::from_str(include_str!("examples.json")).unwrap();
    assert_eq!(values.len(), EXAMPLES.len(), "examples.json and the table disagree");
    let path = std::env::var("EXAMPLES_OUT").unwrap_or_else(|_| "examples-out.jsonl".into());
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for ((pointer, check), value) in EXAMPLES.iter().zip(&values) {{
        let text = serde_json::to_vec(value).unwrap();
        let line = match std::panic::catch_unwind(|| check(&text)) {{
            Ok(Ok(encoded)) => serde_json::json!({{"pointer": pointer, "encoded": encoded}}),
            Ok(Err(error)) => serde_json::json!({{"pointer": pointer, "error": error}}),
            Err(_) => serde_json::json!({{"pointer": pointer, "error": "panicked"}}),
        }};
        writeln!(out, "{{line}}").unwrap();
    }}
    out.flush().unwrap();
}}
"#
    );
    let values: Vec<&serde_json::Value> = examples.iter().map(|e| &e.value).collect();
    let data = serde_json::to_string(&values).expect("JSON values serialize");
    (program, data)
}
