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
#![allow(deprecated, unused_variables)]

use std::sync::{{Arc, Mutex}};

/// Keeps Prism's list of what it found wrong with the last request.
struct Violations(Arc<Mutex<Option<String>>>);

impl apigen_runtime::Middleware for Violations {{
    fn on_attempt(&self, _: &apigen_runtime::RequestInfo, attempt: &apigen_runtime::AttemptInfo<'_>) {{
        let found = attempt.headers.and_then(|h| h.get("sl-violations")).and_then(|v| v.to_str().ok());
        *self.0.lock().unwrap() = found.map(str::to_owned);
    }}
}}

fn record(operation: &str, result: Result<(), Box<dyn std::error::Error>>, violations: &Mutex<Option<String>>, failures: &mut Vec<(String, String)>) {{
    if let Err(error) = result {{
        let prism = violations.lock().unwrap().take().map(|v| format!(" — Prism: {{v}}")).unwrap_or_default();
        failures.push((operation.to_owned(), format!("{{error}}{{prism}}")));
    }}
}}

/// `CONTRACT_KNOWN_FAILURES`: operationIds that no request can pass, because of the document
/// itself (with the evidence in the project's notes). They must fail, and nothing else may.
fn known_failures() -> Vec<String> {{
    std::env::var("CONTRACT_KNOWN_FAILURES").unwrap_or_default().split(',').filter(|s| !s.is_empty()).map(|s| format!("({{}})", s.trim())).collect()
}}

#[tokio::test]
async fn every_operation_against_prism() {{
    let url = std::env::var("PRISM_URL").expect("PRISM_URL: run through `cargo xtask contract`");
    let violations = Arc::new(Mutex::new(None));
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
        "        .retry(apigen_runtime::RetryPolicy::never())\n        .middleware(Violations(Arc::clone(&violations)))\n        .build()\n        .unwrap();\n    let mut failures: Vec<(String, String)> = Vec::new();\n",
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
            functions.push_str(&format!("\nfn operation_{n}(client: &{krate}::Client) -> Call<'_> {{\n    Box::pin(async move {{\n"));
            for line in setup {
                functions.push_str(&format!("        {line}\n"));
            }
            functions.push_str(&format!("        {call}.await?;\n        Ok(())\n    }})\n}}\n"));
            table.push_str(&format!("    ({:?}, operation_{n}),\n", format!("{} {} ({})", op.method, op.path, op.id)));
            n += 1;
        }
    }
    out.push_str(
        "    for (operation, call) in OPERATIONS {\n        *violations.lock().unwrap() = None;\n        eprintln!(\"contract: {operation}\");\n        record(operation, call(&client).await, &violations, &mut failures);\n    }\n",
    );
    out.push_str(&format!(
        "    let total = {};\n    println!(\"contract: {{}} of {{total}} operations accepted by Prism and decoded\", total - failures.len());\n    let known = known_failures();\n    for (operation, failure) in &failures {{\n        let mark = if known.iter().any(|k| operation.ends_with(k.as_str())) {{ \"known\" }} else {{ \"FAILED\" }};\n        println!(\"  {{mark}}: {{operation}}: {{failure}}\");\n    }}\n    let unexpected: Vec<&String> = failures.iter().map(|(o, _)| o).filter(|o| !known.iter().any(|k| o.ends_with(k.as_str()))).collect();\n    let fixed: Vec<&String> = known.iter().filter(|k| !failures.iter().any(|(o, _)| o.ends_with(k.as_str()))).collect();\n    assert!(unexpected.is_empty(), \"{{}} of {{total}} operations failed: {{unexpected:?}}\", unexpected.len());\n    assert!(fixed.is_empty(), \"known failures that now pass (take them off the list): {{fixed:?}}\");\n}}\n",
        api.operations.len()
    ));
    out.push_str(&format!(
        "\ntype Call<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), Box<dyn std::error::Error>>> + 'a>>;\n\nconst OPERATIONS: &[(&str, for<'a> fn(&'a {krate}::Client) -> Call<'a>)] = &[\n{table}];\n"
    ));
    out.push_str(&functions);
    out
}
