//! The example conformance program of a generated crate (`tests/examples.rs`) and its data
//! (`tests/examples.json`): every example payload ([`super::collect`]) decoded into the generated
//! type the client uses for it and encoded again. The comparison is not the program's: it writes
//! what came back, and the xtask judges it ([`super::compare`]).
//!
//! Built as tokens and formatted ([`crate::test_crate::format_program`]).

use quote::{format_ident, quote};

use super::collect::PayloadExample;

/// The program and its data (the values, in the program's order). The program writes one JSON
/// line per example to the file `EXAMPLES_OUT` names: `{"encoded": …}` when the value decoded,
/// `{"error": "…"}` when it did not; a form body's `encoded` is the `[name, value]` pairs the
/// client sends.
pub fn program(examples: &[PayloadExample], crate_name: &str) -> Result<(String, String), String> {
    let krate_name = apigen::model::crate_ident(crate_name);
    let krate = format_ident!("{krate_name}");
    let prefix = quote!(#krate::types::);
    let table = examples.iter().map(|example| {
        let ty = apigen::emit::rust_type(&example.ty, &prefix);
        let check = if example.form { quote!(form_round_trip) } else { quote!(round_trip) };
        let pointer = &example.pointer;
        quote!((#pointer, #check::<#ty>))
    });
    let title = [
        " Written by `cargo xtask examples`: each example payload of the document decoded into the".to_owned(),
        format!(" `{krate_name}` type the client uses for it, and encoded again. The comparison is the xtask's."),
    ];
    let program = quote! {
        #(#![doc = #title])*
        #![allow(deprecated, dead_code)]

        use std::io::Write as _;

        /// Decoded as the client decodes a response (`from_slice`), encoded as it sends a body (`to_vec`).
        fn round_trip<T: apigen_runtime::serde::de::DeserializeOwned + apigen_runtime::serde::Serialize>(
            text: &[u8],
        ) -> Result<serde_json::Value, String> {
            let value: T = serde_json::from_slice(text).map_err(|e| e.to_string())?;
            let bytes = serde_json::to_vec(&value).map_err(|e| format!("encoding: {e}"))?;
            serde_json::from_slice(&bytes).map_err(|e| format!("encoded text is not JSON: {e}"))
        }

        /// A form body: decoded from the example (its form text already read as JSON values), encoded
        /// as the client sends it, and given back as its `[name, value]` pairs.
        fn form_round_trip<T: apigen_runtime::serde::de::DeserializeOwned + apigen_runtime::serde::Serialize>(
            text: &[u8],
        ) -> Result<serde_json::Value, String> {
            let value: T = serde_json::from_slice(text).map_err(|e| e.to_string())?;
            let pairs = apigen_runtime::form::pairs(&value).map_err(|e| format!("encoding: {e}"))?;
            Ok(serde_json::json!(pairs))
        }

        type Check = fn(&[u8]) -> Result<serde_json::Value, String>;

        const EXAMPLES: &[(&str, Check)] = &[#(#table),*];

        #[test]
        fn examples_decode_and_encode() {
            let values: Vec<serde_json::Value> = serde_json::from_str(include_str!("examples.json")).unwrap();
            assert_eq!(values.len(), EXAMPLES.len(), "examples.json and the table disagree");
            let path = std::env::var("EXAMPLES_OUT").unwrap_or_else(|_| "examples-out.jsonl".into());
            let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
            for ((pointer, check), value) in EXAMPLES.iter().zip(&values) {
                let text = serde_json::to_vec(value).unwrap();
                let line = match std::panic::catch_unwind(|| check(&text)) {
                    Ok(Ok(encoded)) => serde_json::json!({"pointer": pointer, "encoded": encoded}),
                    Ok(Err(error)) => serde_json::json!({"pointer": pointer, "error": error}),
                    Err(_) => serde_json::json!({"pointer": pointer, "error": "panicked"}),
                };
                writeln!(out, "{line}").unwrap();
            }
            out.flush().unwrap();
        }
    };
    let values: Vec<&serde_json::Value> = examples.iter().map(|e| &e.value).collect();
    let data = serde_json::to_string(&values).map_err(|e| e.to_string())?;
    Ok((crate::test_crate::format_program(program)?, data))
}

#[cfg(test)]
mod tests {
    use super::*;
    use apigen::model::TypeRef;

    fn example(pointer: &str, ty: TypeRef, form: bool) -> PayloadExample {
        PayloadExample {
            pointer: pointer.into(),
            place: super::super::collect::Place::Schema,
            schema: apigen::Pointer::root(),
            ty,
            value: serde_json::json!({"name": "Rex"}),
            form,
        }
    }

    #[test]
    fn one_check_per_example_in_order_with_its_values() {
        let pet = TypeRef::Named("Pet".into());
        let examples = [
            example("/components/schemas/Pet/example", pet.clone(), false),
            example("/paths/~1pets/post/requestBody/content/x/example", TypeRef::List(Box::new(pet)), true),
        ];
        let (program, data) = program(&examples, "pet-store").unwrap();
        let file = syn::parse_file(&program).unwrap();
        assert!(file
            .items
            .iter()
            .any(|i| matches!(i, syn::Item::Fn(f) if f.sig.ident == "examples_decode_and_encode")));
        // The table, whatever the layout: no spaces, no trailing commas.
        let table = program.split_whitespace().collect::<String>().replace(",)", ")");
        let entries = "(\"/components/schemas/Pet/example\",round_trip::<pet_store::types::Pet>),\
             (\"/paths/~1pets/post/requestBody/content/x/example\",form_round_trip::<Vec<pet_store::types::Pet>>)";
        assert!(table.contains(entries), "{program}");
        assert_eq!(data, r#"[{"name":"Rex"},{"name":"Rex"}]"#);
    }
}
