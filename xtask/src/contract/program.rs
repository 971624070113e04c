//! The contract test program of a generated crate (`tests/contract.rs`): every operation called
//! once with plausible arguments (the calls the crate's docs show, from `apigen::emit::example_call`)
//! against the Prism mock server, which validates each request, and each outcome recorded.
//!
//! Built as tokens and formatted ([`crate::test_crate::format_program`]), so that a mistake here
//! is a compile error of xtask or a parse error when the program is made, not a broken file found
//! when it is built.

use apigen::model::{Api, SchemeKind};
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

/// The program for `api`, generated as the crate `crate_name`.
pub fn program(api: &Api, crate_name: &str) -> Result<String, String> {
    let krate_name = apigen::model::crate_ident(crate_name);
    let krate = ident(&krate_name);
    let credentials = api.security_schemes.iter().map(|scheme| {
        let constructor = ident(&scheme.fn_name);
        let args = match scheme.kind {
            SchemeKind::Basic => quote!("user", "password"),
            _ => quote!("contract-token"),
        };
        quote!(.credential(#krate::auth::#constructor(#args)))
    });
    // One function per operation returning a boxed future, called from a table: hundreds of
    // futures built inline in one function give it a stack frame (in debug builds) larger than a
    // test thread's stack.
    let mut functions = Vec::new();
    let mut table = Vec::new();
    for group in &api.groups {
        for &i in &group.operations {
            let op = &api.operations[i];
            let (setup, call) = apigen::emit::example_call(api, group, op, &krate_name);
            let unparsable = |e: proc_macro2::LexError| format!("the example call of {}: {e}", op.id);
            let setup = setup.iter().map(|line| line.parse::<TokenStream>()).collect::<Result<Vec<_>, _>>();
            let (setup, call) = (setup.map_err(unparsable)?, call.parse::<TokenStream>().map_err(unparsable)?);
            let name = format_ident!("operation_{}", functions.len());
            // The call's own error is told apart by its variant (`Failure::of_call`); an argument
            // that cannot be made (`?` in the setup) is any other failure.
            functions.push(quote! {
                fn #name(client: &#krate::Client) -> Call<'_> {
                    Box::pin(async move {
                        #(#setup)*
                        #call.await.map_err(Failure::of_call)?;
                        Ok(())
                    })
                }
            });
            let label = format!("{} {} ({})", op.method, op.path, op.id);
            table.push(quote!((#label, #name)));
        }
    }
    let total = Literal::usize_unsuffixed(api.operations.len());
    let title = format!(" Written by `cargo xtask contract`: every operation of `{krate_name}` against the Prism mock");
    let program = quote! {
        #![doc = #title]
        //! server at `PRISM_URL`. Prism validates each request against the document and answers from
        //! it; an operation passes when its request is accepted and its response decodes.
        //!
        //! Prism's static answer (the document's example, or one Prism assembles from the schema) may
        //! itself violate the document, and Prism says so (`sl-violations` on the response). Refusing
        //! such an answer is right, so the call is made once more asking Prism for an answer generated
        //! from the schema (`Prefer: dynamic=true`, seeded): the operation passes if that one decodes.
        #![allow(deprecated, unused_variables)]

        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::{Arc, Mutex};

        /// Keeps Prism's list of what it found wrong with the last exchange, and asks for a
        /// schema-generated answer when told to.
        #[derive(Default)]
        struct Prism {
            violations: Mutex<Option<String>>,
            dynamic: AtomicBool,
        }

        struct Watch(Arc<Prism>);

        impl apigen_runtime::Middleware for Watch {
            fn on_request(&self, request: &mut apigen_runtime::reqwest::Request, _: &apigen_runtime::RequestInfo) {
                if self.0.dynamic.load(Ordering::Relaxed) {
                    request.headers_mut().insert(
                        "prefer",
                        apigen_runtime::reqwest::header::HeaderValue::from_static("dynamic=true"),
                    );
                }
            }

            fn on_attempt(&self, _: &apigen_runtime::RequestInfo, attempt: &apigen_runtime::AttemptInfo<'_>) {
                let found = attempt.headers.and_then(|h| h.get("sl-violations")).and_then(|v| v.to_str().ok());
                *self.0.violations.lock().unwrap() = found.map(str::to_owned);
            }
        }

        impl Prism {
            fn take(&self) -> Option<String> {
                self.violations.lock().unwrap().take()
            }
        }

        /// Why a call did not pass. Only an answer that does not decode
        /// (`apigen_runtime::Error::Decode`) is worth asking Prism for another.
        enum Failure {
            /// The answer came and does not decode as the type the document declares.
            Undecodable(String),
            /// Anything else: a status that is not a success, a request that could not be sent, an
            /// argument that could not be made.
            Other(String),
        }

        impl Failure {
            /// A call's error, by its variant.
            fn of_call<E>(error: apigen_runtime::Error<E>) -> Failure {
                match error {
                    apigen_runtime::Error::Decode(error) => Failure::Undecodable(error.to_string()),
                    other => Failure::Other(other.to_string()),
                }
            }

            fn undecodable(&self) -> bool {
                matches!(self, Failure::Undecodable(_))
            }
        }

        /// An argument that could not be made (`Uuid::parse_str(…)?` and the like). `Failure` is not
        /// itself an error, so this does not overlap `From<Failure> for Failure`.
        impl<E: std::error::Error> From<E> for Failure {
            fn from(error: E) -> Failure {
                Failure::Other(error.to_string())
            }
        }

        impl std::fmt::Display for Failure {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    Failure::Undecodable(text) | Failure::Other(text) => f.write_str(text),
                }
            }
        }

        /// Whether Prism found its own answer at odds with the document.
        fn answer_violates(violations: &Option<String>) -> bool {
            violations.as_deref().is_some_and(|v| v.contains("\"location\":[\"response\""))
        }

        /// `CONTRACT_KNOWN_FAILURES`: operationIds that no request can pass, because of the document
        /// itself (with the evidence in xtask/contract-known-failures.toml). They must fail, and
        /// nothing else may.
        fn known_failures() -> Vec<String> {
            std::env::var("CONTRACT_KNOWN_FAILURES")
                .unwrap_or_default()
                .split(',')
                .filter(|s| !s.is_empty())
                .map(|s| format!("({})", s.trim()))
                .collect()
        }

        #[tokio::test]
        async fn every_operation_against_prism() {
            let url = std::env::var("PRISM_URL").expect("PRISM_URL: run through `cargo xtask contract`");
            let prism = Arc::new(Prism::default());
            let client = #krate::Client::builder()
                .base_url(url)
                #(#credentials)*
                .retry(apigen_runtime::RetryPolicy::never())
                .middleware(Watch(Arc::clone(&prism)))
                .build()
                .unwrap();
            let mut failures: Vec<(String, String)> = Vec::new();
            let mut regenerated = 0;
            let mut invalid_answers = 0;
            for (operation, call) in OPERATIONS {
                prism.take();
                eprintln!("contract: {operation}");
                let Err(error) = call(&client).await else { continue };
                let violations = prism.take();
                if error.undecodable() && answer_violates(&violations) {
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
                            let text = format!(
                                "{error}; with a schema-generated answer: {again} — Prism: {}",
                                violations.as_deref().unwrap_or("")
                            );
                            // Both of Prism's answers break the document (it says so): no answer to
                            // decode exists. Reported, with Prism's words, but not a client failure.
                            if again.undecodable() && answer_violates(&violations) {
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
            let total = #total;
            println!(
                "contract: {} of {total} operations accepted by Prism and decoded ({regenerated} on a schema-generated answer, Prism's own answer violating the document; {invalid_answers} where both of Prism's answers violate it)",
                total - failures.len() - invalid_answers
            );
            let known = known_failures();
            for (operation, failure) in &failures {
                let mark = if known.iter().any(|k| operation.ends_with(k.as_str())) { "known" } else { "FAILED" };
                println!("  {mark}: {operation}: {failure}");
            }
            let unexpected: Vec<&String> =
                failures.iter().map(|(o, _)| o).filter(|o| !known.iter().any(|k| o.ends_with(k.as_str()))).collect();
            let fixed: Vec<&String> =
                known.iter().filter(|k| !failures.iter().any(|(o, _)| o.ends_with(k.as_str()))).collect();
            for operation in &fixed {
                println!("  PASSES, listed as known: {operation}");
            }
            assert!(unexpected.is_empty(), "{} of {total} operations failed: {unexpected:?}", unexpected.len());
            assert!(fixed.is_empty(), "known failures that now pass (take them off the list): {fixed:?}");
        }

        type Call<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), Failure>> + 'a>>;

        const OPERATIONS: &[(&str, for<'a> fn(&'a #krate::Client) -> Call<'a>)] = &[#(#table),*];

        #(#functions)*
    };
    crate::test_crate::format_program(program)
}

/// An identifier; a keyword becomes a raw one (`r#type`).
fn ident(name: &str) -> Ident {
    syn::parse_str::<Ident>(name).unwrap_or_else(|_| Ident::new_raw(name, Span::call_site()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use apigen::stages::Loaded;

    fn api(yaml: &str) -> Api {
        let document = apigen::load::parse(std::path::Path::new("t.yaml"), yaml).unwrap();
        let options = apigen::Options::new("t", apigen::RuntimeDependency::Path("rt".into()));
        Loaded::from_document(document, &options).model().unwrap().into_api()
    }

    #[test]
    fn every_operation_is_called_once_with_every_credential() {
        let api = api(r#"openapi: 3.0.3
info: {title: t, version: '1'}
security: [{basic: []}, {key: []}]
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters: [{name: id, in: path, required: true, schema: {type: string, format: uuid}}]
      responses: {'200': {description: ok, content: {application/json: {schema: {type: object}}}}}
    delete:
      operationId: deletePet
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses: {'204': {description: gone}}
components:
  securitySchemes:
    basic: {type: http, scheme: basic}
    key: {type: apiKey, in: header, name: X-Key}
"#);
        let program = program(&api, "pet-store").unwrap();
        let file = syn::parse_file(&program).unwrap();
        let functions: Vec<String> = file
            .items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Fn(f) => Some(f.sig.ident.to_string()),
                _ => None,
            })
            .collect();
        assert!(functions.iter().any(|f| f == "every_operation_against_prism"), "{functions:?}");
        assert_eq!(functions.iter().filter(|f| f.starts_with("operation_")).count(), 2, "{functions:?}");
        assert!(program.contains("\"GET /pets/{id} (getPet)\""), "{program}");
        assert!(program.contains("\"DELETE /pets/{id} (deletePet)\""), "{program}");
        assert!(program.contains(".credential(pet_store::auth::basic(\"user\", \"password\"))"), "{program}");
        assert!(program.contains(".credential(pet_store::auth::key(\"contract-token\"))"), "{program}");
        // The crate is named as Rust spells it, and a call's error is judged by its variant.
        assert!(program.contains("client: &pet_store::Client"), "{program}");
        assert!(program.contains("apigen_runtime::Error::Decode(error) =>"), "{program}");
        assert!(program.contains("let total = 2;"), "{program}");
    }
}
