//! A contract test program for a generated crate: every operation called once with plausible
//! arguments against a mock server that validates requests (Prism), each outcome recorded.
//! `cargo xtask contract --spec PATH` writes it into the crate's `tests/` and runs it.

use super::examples::example_call;
use crate::model::{Api, SchemeKind};
use crate::Options;

pub fn contract_test(api: &Api, options: &Options) -> String {
    let krate = options.crate_name.replace('-', "_");
    let mut out = String::new();
    out.push_str(&format!(
        r#"//! Written by `cargo xtask contract`: every operation of `{krate}` against the Prism mock
//! server at `PRISM_URL`. Prism validates each request against the document and answers from
//! it; an operation passes when its request is accepted and its response decodes.
//!
//! Prism's static answer (the document's example, or one Prism assembles from the schema) may
//! itself violate the document, and Prism says so (`sl-violations` on the response). Refusing
//! such an answer is right, so the call is made once more asking Prism for an answer generated
//! from the schema (`Prefer: dynamic=true`, seeded): the operation passes if that one decodes.
#![allow(deprecated, unused_variables)]

use std::sync::atomic::{{AtomicBool, Ordering}};
use std::sync::{{Arc, Mutex}};

/// Keeps Prism's list of what it found wrong with the last exchange, and asks for a
/// schema-generated answer when told to.
#[derive(Default)]
struct Prism {{
    violations: Mutex<Option<String>>,
    dynamic: AtomicBool,
}}

struct Watch(Arc<Prism>);

impl apigen_runtime::Middleware for Watch {{
    fn on_request(&self, request: &mut apigen_runtime::reqwest::Request, _: &apigen_runtime::RequestInfo) {{
        if self.0.dynamic.load(Ordering::Relaxed) {{
            request.headers_mut().insert("prefer", apigen_runtime::reqwest::header::HeaderValue::from_static("dynamic=true"));
        }}
    }}

    fn on_attempt(&self, _: &apigen_runtime::RequestInfo, attempt: &apigen_runtime::AttemptInfo<'_>) {{
        let found = attempt.headers.and_then(|h| h.get("sl-violations")).and_then(|v| v.to_str().ok());
        *self.0.violations.lock().unwrap() = found.map(str::to_owned);
    }}
}}

impl Prism {{
    fn take(&self) -> Option<String> {{
        self.violations.lock().unwrap().take()
    }}
}}

/// Whether Prism found its own answer at odds with the document.
fn answer_violates(violations: &Option<String>) -> bool {{
    violations.as_deref().is_some_and(|v| v.contains("\"location\":[\"response\""))
}}

/// `CONTRACT_KNOWN_FAILURES`: operationIds that no request can pass, because of the document
/// itself (with the evidence in xtask/contract-known-failures.toml). They must fail, and
/// nothing else may.
fn known_failures() -> Vec<String> {{
    std::env::var("CONTRACT_KNOWN_FAILURES").unwrap_or_default().split(',').filter(|s| !s.is_empty()).map(|s| format!("({{}})", s.trim())).collect()
}}

#[tokio::test]
async fn every_operation_against_prism() {{
    let url = std::env::var("PRISM_URL").expect("PRISM_URL: run through `cargo xtask contract`");
    let prism = Arc::new(Prism::default());
    let client = {krate}::Client::builder()
        .base_url(url)
"#
    ));
    for scheme in &api.security_schemes {
        let args = match scheme.kind {
            SchemeKind::Basic => "\"user\", \"password\"",
            _ => "\"contract-token\"",
        };
        out.push_str(&format!("        .credential({krate}::auth::{}({args}))\n", scheme.fn_name));
    }
    out.push_str(
        "        .retry(apigen_runtime::RetryPolicy::never())\n        .middleware(Watch(Arc::clone(&prism)))\n        .build()\n        .unwrap();\n    let mut failures: Vec<(String, String)> = Vec::new();\n    let mut regenerated = 0;\n    let mut invalid_answers = 0;\n",
    );
    // One function per operation returning a boxed future, called from a table: hundreds of
    // futures built inline in one function give it a stack frame (in debug builds) larger than
    // a test thread's stack.
    let mut functions = String::new();
    let mut table = String::new();
    let mut n = 0;
    for group in &api.groups {
        for &i in &group.operations {
            let op = &api.operations[i];
            let (setup, call) = example_call(api, group, op, &krate);
            functions.push_str(&format!(
                "\nfn operation_{n}(client: &{krate}::Client) -> Call<'_> {{\n    Box::pin(async move {{\n"
            ));
            for line in setup {
                functions.push_str(&format!("        {line}\n"));
            }
            functions.push_str(&format!("        {call}.await?;\n        Ok(())\n    }})\n}}\n"));
            table.push_str(&format!("    ({:?}, operation_{n}),\n", format!("{} {} ({})", op.method, op.path, op.id)));
            n += 1;
        }
    }
    out.push_str(
        r#"    for (operation, call) in OPERATIONS {
        prism.take();
        eprintln!("contract: {operation}");
        let Err(error) = call(&client).await else { continue };
        let violations = prism.take();
        // A response that does not decode (`Error::Decode`, whatever the operation's error type).
        let undecodable = error.to_string().starts_with("could not decode");
        if undecodable && answer_violates(&violations) {
            prism.dynamic.store(true, Ordering::Relaxed);
            let again = call(&client).await;
            prism.dynamic.store(false, Ordering::Relaxed);
            match again {
                Ok(()) => {
                    regenerated += 1;
                    continue;
                }
                Err(again) => {
                    let violations = prism.take();
                    let text = format!("{error}; with a schema-generated answer: {again} — Prism: {}", violations.as_deref().unwrap_or(""));
                    // Both of Prism's answers break the document (it says so): no answer to
                    // decode exists. Reported, with Prism's words, but not a client failure.
                    if again.to_string().starts_with("could not decode") && answer_violates(&violations) {
                        println!("  PRISM ANSWERS INVALID: {operation}: {text}");
                        invalid_answers += 1;
                    } else {
                        failures.push((operation.to_string(), text));
                    }
                    continue;
                }
            }
        }
        let prism = violations.map(|v| format!(" — Prism: {v}")).unwrap_or_default();
        failures.push((operation.to_string(), format!("{error}{prism}")));
    }
"#,
    );
    out.push_str(&format!(
        "    let total = {};\n    println!(\"contract: {{}} of {{total}} operations accepted by Prism and decoded ({{regenerated}} on a schema-generated answer, Prism's own answer violating the document; {{invalid_answers}} where both of Prism's answers violate it)\", total - failures.len() - invalid_answers);\n    let known = known_failures();\n    for (operation, failure) in &failures {{\n        let mark = if known.iter().any(|k| operation.ends_with(k.as_str())) {{ \"known\" }} else {{ \"FAILED\" }};\n        println!(\"  {{mark}}: {{operation}}: {{failure}}\");\n    }}\n    let unexpected: Vec<&String> = failures.iter().map(|(o, _)| o).filter(|o| !known.iter().any(|k| o.ends_with(k.as_str()))).collect();\n    let fixed: Vec<&String> = known.iter().filter(|k| !failures.iter().any(|(o, _)| o.ends_with(k.as_str()))).collect();\n    for operation in &fixed {{\n        println!(\"  PASSES, listed as known: {{operation}}\");\n    }}\n    assert!(unexpected.is_empty(), \"{{}} of {{total}} operations failed: {{unexpected:?}}\", unexpected.len());\n    assert!(fixed.is_empty(), \"known failures that now pass (take them off the list): {{fixed:?}}\");\n}}\n",
        api.operations.len()
    ));
    out.push_str(&format!(
        "\ntype Call<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), Box<dyn std::error::Error>>> + 'a>>;\n\nconst OPERATIONS: &[(&str, for<'a> fn(&'a {krate}::Client) -> Call<'a>)] = &[\n{table}];\n"
    ));
    out.push_str(&functions);
    out
}
