//! Named types → `types.rs`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{clean, code, constraints_text, doc};
use super::rust::{cfg, ident, rust_type};
use crate::model::{Api, EnumValue, Field, IntValue, Struct, TypeDef, TypeKind, TypeRef, Union, Variant};
use crate::Options;

/// What every item of a type gets besides its own: the user's extra derives and its `cfg`.
struct Extras<'a> {
    /// Each extra derive as written and as a path.
    derives: &'a [(String, TokenStream)],
    /// `#[cfg(…)]` or nothing, for the type and each of its impls.
    gate: TokenStream,
}

impl Extras<'_> {
    /// The extra derives a type does not already have (`present`: what it derives or implements
    /// by hand, by last path segment: `Hash` and `std::hash::Hash` are one trait), each after
    /// a comma: they follow the type's own derives.
    fn derives(&self, present: &[&str]) -> TokenStream {
        let added = self.derives.iter().filter(|(written, _)| {
            let last = written.rsplit("::").next().unwrap_or(written).trim();
            !present.contains(&last)
        });
        let paths = added.map(|(_, path)| path);
        quote!(#(, #paths)*)
    }
}

/// A derive path (`serde::Serialize`, `::schemars::JsonSchema`) as tokens; the model checked
/// that each segment is an identifier, and anything else is left out rather than emitted.
fn derive_path(written: &str) -> Option<TokenStream> {
    let written = written.trim();
    let (global, rest) = match written.strip_prefix("::") {
        Some(rest) => (quote!(::), rest),
        None => (TokenStream::new(), written),
    };
    let segments: Vec<proc_macro2::Ident> =
        rest.split("::").map(|s| syn::parse_str::<proc_macro2::Ident>(s).ok()).collect::<Option<_>>()?;
    Some(quote!(#global #(#segments)::*))
}

/// Whether values of `ty` hold `time::OffsetDateTime`s in a shape `apigen_runtime::rfc3339`
/// reads and writes (the value itself, or inside lists, maps and `Option`s, through aliases):
/// such a field needs `#[serde(with = …)]`, as `time`'s own serde format is not RFC 3339.
pub(super) fn holds_offset_date_time(api: &Api, ty: &TypeRef) -> bool {
    // Bounded: an alias may be a list of itself (`A = Vec<A>`), which holds no date-time.
    fn holds(api: &Api, ty: &TypeRef, depth: usize) -> bool {
        match api.unaliased(ty) {
            TypeRef::OffsetDateTime => true,
            // `rfc3339` reads lists, maps and options of date-times, not tuples.
            TypeRef::Tuple(_) => false,
            other => depth < 32 && other.children().iter().any(|inner| holds(api, inner, depth + 1)),
        }
    }
    holds(api, ty, 0)
}

/// Read and written through `apigen_runtime::rfc3339`, in a `json_object!` member list.
fn rfc3339_with() -> TokenStream {
    quote!(with rfc3339)
}

pub fn module(api: &Api, options: &Options) -> TokenStream {
    let derives: Vec<(String, TokenStream)> =
        options.extra_derives.iter().filter_map(|d| Some((d.clone(), derive_path(d)?))).collect();
    let items =
        api.types().iter().map(|def| type_def(api, def, &Extras { derives: &derives, gate: cfg(&def.features) }));
    // Paths, not imports: a schema may be called `Secret` or `Serialize`.
    // Only `union` is imported: it cannot clash with a type name (types are `UpperCamelCase`).
    // With tag features every union may be compiled out, and the import with it unused.
    let import_gate = options.tag_features.then(|| quote!(#[allow(unused_imports)]));
    let union_import = api
        .types()
        .iter()
        .any(|t| matches!(t.kind, TypeKind::Union(_)))
        .then(|| quote!(#import_gate use apigen_runtime::union;));
    quote! {
        //! The document's schemas as Rust types.
        #![allow(clippy::large_enum_variant, clippy::too_many_arguments, deprecated)]

        #union_import

        #(#items)*
    }
}

fn type_def(api: &Api, def: &TypeDef, extras: &Extras<'_>) -> TokenStream {
    let name = ident(&def.name);
    // A title that only repeats the type's name (`/// JobResponse`) tells the reader nothing.
    let squashed = |text: &str| text.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase();
    let informative = def.docs.as_deref().filter(|d| squashed(d) != squashed(&def.name));
    let mut docs = informative.map(clean).unwrap_or_default();
    if let TypeKind::Enum(values) = &def.kind {
        // rustdoc does not show serde attributes: the wire values are listed here.
        let values: Vec<String> =
            values.iter().map(|v| if v.value.is_empty() { "`\"\"`".to_owned() } else { code(&v.value) }).collect();
        if !docs.is_empty() {
            docs.push_str("\n\n");
        }
        docs.push_str(&format!("Values: {}, or any other, kept as `Unknown`.", values.join(", ")));
    }
    if let TypeKind::Union(Union { tag: Some(tag), variants }) = &def.kind {
        if variants.iter().all(|v| !v.tag_values.is_empty()) {
            if !docs.is_empty() {
                docs.push_str("\n\n");
            }
            docs.push_str(&format!(
                "Told apart by {}; a value this client does not know is kept as `Unknown`.",
                code(tag)
            ));
        }
    }
    if let TypeKind::IntEnum(values) = &def.kind {
        let values: Vec<String> = values.iter().map(|v| format!("`{}` ({})", v.value, v.name)).collect();
        if !docs.is_empty() {
            docs.push_str("\n\n");
        }
        docs.push_str(&format!("An integer: {}, or any other, kept as it is.", values.join(", ")));
    }
    if let Some(constraints) = constraints_text(&def.constraints) {
        if !docs.is_empty() {
            docs.push_str("\n\n");
        }
        docs.push_str(&format!("The document requires: {constraints}."));
    }
    let docs = doc(&docs);
    let deprecated = def.deprecated.then(|| quote!(#[deprecated]));
    let gate = &extras.gate;
    let body = match &def.kind {
        TypeKind::Struct(s) => structure(api, &name, s, def.sent, extras),
        TypeKind::Enum(values) => string_enum(&name, values, extras),
        TypeKind::IntEnum(values) => int_enum(&name, values, extras),
        TypeKind::Union(u) => union(api, &name, u, extras),
        TypeKind::Alias(ty) => {
            let ty = rust_type(ty, &TokenStream::new());
            quote!(#gate pub type #name = #ty;)
        }
    };
    quote! {
        #docs
        #deprecated
        #body
    }
}

/// The field's type as declared: presence and nullability decide the wrapper.
pub(super) fn field_type(field: &Field) -> TokenStream {
    let mut ty = rust_type(&field.ty, &TokenStream::new());
    if field.secret {
        ty = quote!(apigen_runtime::Secret<#ty>);
    }
    if field.boxed {
        ty = quote!(Box<#ty>);
    }
    match (field.required, field.nullable) {
        (true, false) => ty,
        (true, true) | (false, false) => quote!(Option<#ty>),
        (false, true) => quote!(apigen_runtime::Nullable<#ty>),
    }
}

/// A struct, and its JSON impls through `apigen_runtime::json_object!`: each field with its
/// wire name and kind (cheaper to compile than serde's derives: see the runtime's `json`).
fn structure(api: &Api, name: &proc_macro2::Ident, s: &Struct, sent: bool, extras: &Extras<'_>) -> TokenStream {
    let fields = s.fields.iter().map(|field| {
        let docs = field_docs(field);
        let field_name = ident(&field.name);
        let ty = field_type(field);
        let deprecated = field.deprecated.then(|| quote!(#[deprecated]));
        quote! {
            #docs
            #deprecated
            pub #field_name: #ty,
        }
    });
    let members = s.fields.iter().map(|field| {
        let field_name = ident(&field.name);
        let kind = match (field.required, field.nullable) {
            (true, false) => quote!(required),
            // Sent as `null` when there is no value; tolerated when a server omits it.
            (true, true) => quote!(nullable_required),
            (false, false) => quote!(optional),
            (false, true) => quote!(nullable),
        };
        let wire = &field.wire;
        let with = (!field.secret && holds_offset_date_time(api, &field.ty)).then(rfc3339_with);
        let ty = field_type(field);
        quote!(#field_name: #ty = #kind #wire #with)
    });
    let (additional_field, additional_marker) = match &s.additional {
        Some(value) => {
            let with = holds_offset_date_time(api, value).then(rfc3339_with);
            let value = rust_type(value, &TokenStream::new());
            let field = quote! {
                /// Properties the schema does not name.
                pub additional_properties: std::collections::BTreeMap<String, #value>,
            };
            (Some(field), Some(quote!(additional #with)))
        }
        None => (None, None),
    };
    let is_default = construction(s) == Construction::Default;
    let default = is_default.then(|| quote!(Default,));
    // `json_object!` writes `Serialize` and `Deserialize`.
    let present: &[&str] = if is_default {
        &["Clone", "Debug", "Default", "PartialEq", "Serialize", "Deserialize"]
    } else {
        &["Clone", "Debug", "PartialEq", "Serialize", "Deserialize"]
    };
    let extra = extras.derives(present);
    let gate = &extras.gate;
    let constructor = (sent && construction(s) == Construction::New).then(|| constructor(api, name, s, gate));
    quote! {
        #gate
        #[derive(Clone, Debug, #default PartialEq #extra)]
        pub struct #name {
            #(#fields)*
            #additional_field
        }

        #gate
        apigen_runtime::json_object!(#name { #(#members),* } #additional_marker);

        #constructor
    }
}

/// How callers build a struct.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Construction {
    /// Nothing is required: the empty value is a sensible `Default`.
    Default,
    /// Required fields and optional ones: `new` takes the required and leaves the rest absent.
    /// Only types the client sends get it; those that only arrive in responses are decoded.
    New,
    /// Every field is required: a struct literal names them as well as `new` would.
    Literal,
}

pub(super) fn construction(s: &Struct) -> Construction {
    let required = s.fields.iter().filter(|f| f.required).count();
    if required == 0 {
        Construction::Default
    } else if required < s.fields.len() || s.additional.is_some() {
        Construction::New
    } else {
        Construction::Literal
    }
}

/// `new` takes the required fields; everything optional starts absent. Strings (also through an
/// alias: `SnowflakeType = String`) are taken as `impl Into<String>`.
fn constructor(api: &Api, name: &proc_macro2::Ident, s: &Struct, gate: &TokenStream) -> TokenStream {
    let required: Vec<&Field> = s.fields.iter().filter(|f| f.required).collect();
    let is_string = |field: &Field| api.unaliased(&field.ty) == &TypeRef::String;
    let params = required.iter().map(|field| {
        let field_name = ident(&field.name);
        let ty = match (is_string(field), field.secret, field.boxed, field.nullable) {
            (true, false, false, false) => quote!(impl Into<String>),
            (true, true, false, false) => quote!(impl Into<apigen_runtime::Secret<String>>),
            _ => {
                let mut ty = rust_type(&field.ty, &TokenStream::new());
                if field.secret {
                    ty = quote!(apigen_runtime::Secret<#ty>);
                }
                if field.nullable {
                    ty = quote!(Option<#ty>);
                }
                ty
            }
        };
        quote!(#field_name: #ty)
    });
    let inits = s.fields.iter().map(|field| {
        let field_name = ident(&field.name);
        if !field.required {
            return quote!(#field_name: Default::default());
        }
        let into_needed = is_string(field) && !field.boxed && !field.nullable;
        match (field.boxed, field.nullable) {
            (true, true) => quote!(#field_name: #field_name.map(Box::new)),
            (true, false) => quote!(#field_name: Box::new(#field_name)),
            _ if into_needed => quote!(#field_name: #field_name.into()),
            _ => quote!(#field_name),
        }
    });
    let additional = s.additional.as_ref().map(|_| quote!(additional_properties: Default::default(),));
    let doc = super::docs::doc("A value with the required fields set and every optional field absent.");
    quote! {
        #gate
        impl #name {
            #doc
            pub fn new(#(#params),*) -> Self {
                Self {
                    #(#inits,)*
                    #additional
                }
            }
        }
    }
}

fn field_docs(field: &Field) -> TokenStream {
    let mut text = field.docs.as_deref().map(clean).unwrap_or_default();
    let mut notes = Vec::new();
    if field.read_only {
        notes.push("read-only: set by the server");
    }
    if field.write_only {
        notes.push("write-only: never returned by the server");
    }
    if field.secret {
        notes.push("secret: printed as `***` by `Debug`");
    }
    let default = field.default.as_ref().map(|d| format!("server default: {}", code(d)));
    notes.extend(default.as_deref());
    let constraints = constraints_text(&field.constraints);
    notes.extend(constraints.as_deref());
    if !notes.is_empty() {
        // Same paragraph: rustdoc shows the note right after the description.
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&format!("({})", notes.join("; ")));
    }
    doc(&text)
}

/// An open string enum: `apigen_runtime::json_enum!` maps the known values both ways, and
/// `Unknown` keeps any other string, so a value added to the API later decodes instead of
/// failing the whole response.
fn string_enum(name: &proc_macro2::Ident, values: &[EnumValue], extras: &Extras<'_>) -> TokenStream {
    let variants = values.iter().map(|v| {
        let variant = format_ident!("{}", v.name);
        let docs = v.docs.as_deref().map(|d| doc(&clean(d)));
        quote!(#docs #variant,)
    });
    let wire = values.iter().map(|v| {
        let variant = format_ident!("{}", v.name);
        let value = &v.value;
        quote!(#variant = #value)
    });
    // `json_enum!` writes `Serialize`, `Deserialize`, `Display` and `FromStr`.
    let extra = extras.derives(&[
        "Clone",
        "Debug",
        "PartialEq",
        "Eq",
        "Hash",
        "Serialize",
        "Deserialize",
        "Display",
        "FromStr",
    ]);
    let gate = &extras.gate;
    quote! {
        #gate
        #[derive(Clone, Debug, PartialEq, Eq, Hash #extra)]
        pub enum #name {
            #(#variants)*
            /// A value this client does not know, as received.
            Unknown(String),
        }

        #gate
        apigen_runtime::json_enum!(#name { #(#wire),* });
    }
}

/// An open integer enum: the integer itself, with a named constant per documented value, so a
/// value added later decodes like any other (and `match` works on the constants).
fn int_enum(name: &proc_macro2::Ident, values: &[IntValue], extras: &Extras<'_>) -> TokenStream {
    let constants = values.iter().map(|v| {
        let constant = format_ident!("{}", v.name);
        let magnitude = proc_macro2::Literal::u64_unsuffixed(v.value.unsigned_abs());
        let value = if v.value < 0 { quote!(-#magnitude) } else { quote!(#magnitude) };
        let docs = v.docs.as_deref().map(|d| doc(&clean(d)));
        quote! {
            #docs
            pub const #constant: Self = Self(#value);
        }
    });
    let extra = extras.derives(&["Clone", "Copy", "Debug", "PartialEq", "Eq", "Hash", "Serialize", "Deserialize"]);
    let gate = &extras.gate;
    quote! {
        #gate
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize #extra)]
        #[serde(transparent)]
        pub struct #name(pub i64);

        #gate
        impl #name {
            #(#constants)*
        }
    }
}

fn union(api: &Api, name: &proc_macro2::Ident, u: &Union, extras: &Extras<'_>) -> TokenStream {
    let tagged = u.tag.is_some() && u.variants.iter().all(|v| !v.tag_values.is_empty());
    let variants = u.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let mut ty = rust_type(&v.ty, &TokenStream::new());
        if v.boxed {
            ty = quote!(Box<#ty>);
        }
        if holds_offset_date_time(api, &v.ty) {
            // For the `Serialize` serde derives on unions whose variants carry their tag.
            ty = quote!(#[serde(with = "apigen_runtime::rfc3339")] #ty);
        }
        let docs = if v.tag_values.is_empty() {
            TokenStream::new()
        } else {
            let values: Vec<String> = v.tag_values.iter().map(|t| code(t)).collect();
            let property = u.tag.as_deref().map(code).unwrap_or_default();
            doc(&format!("When {property} is {}.", values.join(" or ")))
        };
        quote!(#docs #variant(#ty),)
    });
    // Writing a value is writing the variant's own value whenever that value carries its tag
    // (or there is no tag): serde's untagged `Serialize` does exactly that.
    let self_describing = !tagged || u.variants.iter().all(|v| v.carries_tag);
    let (derive_serialize, untagged) = if self_describing {
        (quote!(serde::Serialize,), quote!(#[serde(untagged)]))
    } else {
        (TokenStream::new(), TokenStream::new())
    };
    let (unknown, deserialize) = match (&u.tag, tagged) {
        (Some(tag), true) => (
            quote! {
                /// A tag this client does not know: the value is kept as received.
                Unknown(serde_json::Value),
            },
            tagged_deserialize(api, name, tag, u),
        ),
        _ => (TokenStream::new(), untagged_deserialize(api, name, u)),
    };
    let serialize = (!self_describing).then(|| tag_adding_serialize(name, u));
    // `Deserialize` is always written by hand, `Serialize` derived or written.
    let extra = extras.derives(&["Clone", "Debug", "PartialEq", "Serialize", "Deserialize"]);
    let gate = &extras.gate;
    let (deserialize, serialize) = (quote!(#gate #deserialize), serialize.map(|s| quote!(#gate #s)));
    quote! {
        #gate
        #[derive(Clone, Debug, PartialEq #extra, #derive_serialize)]
        #untagged
        pub enum #name {
            #(#variants)*
            #unknown
        }

        #deserialize
        #serialize
    }
}

/// How a decoded variant becomes the union: the type to decode (`time::OffsetDateTime` goes
/// through `apigen_runtime::rfc3339::Wire`, as a `with` attribute cannot reach a hand-written
/// `Deserialize`) and the function wrapping it.
fn wrap_variant(api: &Api, v: &Variant) -> (Option<TokenStream>, TokenStream) {
    let variant = ident(&v.name);
    if holds_offset_date_time(api, &v.ty) {
        let ty = rust_type(&v.ty, &TokenStream::new());
        return (Some(quote!(apigen_runtime::rfc3339::Wire<#ty>)), quote!(|value| Self::#variant(value.0)));
    }
    let wrap = if v.boxed { quote!(|value| Self::#variant(Box::new(value))) } else { quote!(Self::#variant) };
    (None, wrap)
}

/// A discriminated union reads its tag first, then decodes the whole object (tag included, so
/// variant structs that declare the tag property still find it) as the variant it selects.
fn tagged_deserialize(api: &Api, name: &proc_macro2::Ident, tag: &str, u: &Union) -> TokenStream {
    let arms = u.variants.iter().map(|v| {
        let values = &v.tag_values;
        let (decoded, wrap) = wrap_variant(api, v);
        let call = match decoded {
            Some(ty) => quote!(union::variant::<#ty, _>(value)),
            None => quote!(union::variant(value)),
        };
        quote!(#(Some(#values))|* => #call.map(#wrap),)
    });
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = union::value(deserializer)?;
                match union::tag(&value, #tag).as_deref() {
                    #(#arms)*
                    _ => union::unknown(value).map(Self::Unknown),
                }
            }
        }
    }
}

/// Serializes variants whose own type lacks the tag property with the tag added.
fn tag_adding_serialize(name: &proc_macro2::Ident, u: &Union) -> TokenStream {
    let tag = u.tag.as_deref().unwrap_or_default();
    let arms = u.variants.iter().map(|v| {
        let variant = ident(&v.name);
        if v.carries_tag {
            quote!(Self::#variant(value) => serde::Serialize::serialize(value, serializer),)
        } else {
            let value = &v.tag_values[0];
            quote!(Self::#variant(value) => union::serialize_tagged(value, #tag, #value, serializer),)
        }
    });
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#arms)*
                    Self::Unknown(value) => serde::Serialize::serialize(value, serializer),
                }
            }
        }
    }
}

/// Without a tag, each variant is tried in order, for one that fits the value exactly and then
/// for one that decodes; the error names every one tried and why it did not fit.
fn untagged_deserialize(api: &Api, name: &proc_macro2::Ident, u: &Union) -> TokenStream {
    let type_name = name.to_string();
    let mut attempts = u.variants.iter().map(|v| {
        let label = &v.name;
        let (decoded, wrap) = wrap_variant(api, v);
        match decoded {
            Some(ty) => quote!(tried.attempt::<#ty>(#label).map(#wrap)),
            None => quote!(tried.attempt(#label).map(#wrap)),
        }
    });
    let first = attempts.next().unwrap_or_else(|| quote!(None));
    // Twice at most: for a variant that fits exactly, then for the first that decodes (see
    // `apigen_runtime::json::exactly`).
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                union::Untagged::new(#type_name, union::value(deserializer)?).decide(|tried| {
                    #first
                        #(.or_else(|| #attempts))*
                })
            }
        }
    }
}
