//! The Rust text of the public items the emitter writes, for readers outside `emit` (the `diff`
//! stage): a method's arguments and result, a field's declared type, how a struct is built. It
//! reads the same [`Signature`], `field_type` and `construction` the emitter writes from, so a
//! report names items exactly as the generated crate does.

use proc_macro2::TokenStream;

use super::rust::rust_type;
use super::signature::{apis_type, Signature};
use super::types::{construction, field_type, Construction};
use crate::model::{Api, Field, Operation, Struct, TypeRef};

/// An operation's methods as generated, in text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MethodText {
    /// `pet_id: i64`, `body: &types::Pet`, `options: &ListPetsOptions`, in order.
    pub arguments: Vec<String>,
    /// `<U: Into<apigen_runtime::Upload>>` or empty.
    pub generics: String,
    /// `Result<types::Pet, types::Error>`.
    pub result: String,
    /// The result of the stream method, when the operation has one.
    pub stream_result: Option<String>,
    /// `ListPetsOptions` and its fields (`limit: Option<i32>`), when there are optional parameters.
    pub options: Option<(String, Vec<String>)>,
    /// `CreatePetOutcome` and its variants (`Created(types::Pet)`), when statuses differ.
    pub outcome: Option<(String, Vec<String>)>,
}

pub fn method_text(api: &Api, op: &Operation) -> MethodText {
    let signature = Signature::of(api, op);
    let options = signature.options.as_ref().map(|o| {
        let fields = o.fields.iter().map(|p| format!("{}: Option<{}>", p.name, tidy(&apis_type(&p.ty)))).collect();
        (o.name.to_string(), fields)
    });
    let outcome = signature.outcome.as_ref().map(|o| {
        let variants = o
            .outcomes
            .iter()
            .map(|outcome| match outcome.payload.typed() {
                Some(ty) => format!("{}({})", outcome.name, tidy(&apis_type(ty))),
                None => outcome.name.clone(),
            })
            .collect();
        (o.name.to_string(), variants)
    });
    MethodText {
        arguments: signature.arguments().iter().map(tidy).collect(),
        generics: tidy(&signature.generics()),
        result: tidy(&signature.result(None)),
        stream_result: op.success.stream.as_ref().map(|s| tidy(&signature.result(Some(s)))),
        options,
        outcome,
    }
}

/// A struct field's declared type: `Option<String>`, `apigen_runtime::Nullable<Pet>`.
pub fn field_text(field: &Field) -> String {
    tidy(&field_type(field))
}

/// A type use as written inside `types.rs`: `Vec<Pet>`.
pub fn type_text(ty: &TypeRef) -> String {
    tidy(&rust_type(ty, &TokenStream::new()))
}

/// How callers build a struct: `Default`, `new(name: impl Into<String>, …)` (for types the
/// client sends), or a literal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuiltBy {
    Default,
    /// The arguments of `new`, as written.
    New(Vec<String>),
    Literal,
}

pub fn built_by(s: &Struct, sent: bool) -> BuiltBy {
    match construction(s) {
        Construction::Default => BuiltBy::Default,
        Construction::New if sent => BuiltBy::New(
            s.fields.iter().filter(|f| f.required).map(|f| format!("{}: {}", f.name, tidy(&field_type(f)))).collect(),
        ),
        Construction::New | Construction::Literal => BuiltBy::Literal,
    }
}

/// Tokens as a person writes them: `Vec < types :: Pet >` → `Vec<types::Pet>`.
fn tidy(tokens: &TokenStream) -> String {
    let text = tokens.to_string();
    let mut out = text.replace(" :: ", "::").replace(":: ", "::").replace(" < ", "<").replace("< ", "<");
    out = out.replace(" >", ">").replace(" ,", ",").replace("& ", "&").replace(" (", "(").replace("( ", "(");
    out.replace(" )", ")").replace(" : ", ": ").replace("' _", "'_")
}
