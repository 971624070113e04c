//! Named types → `types.rs`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{clean, code, doc};
use super::{cfg, ident, rust_type, unaliased};
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
    let segments: Vec<proc_macro2::Ident> = rest.split("::").map(|s| syn::parse_str::<proc_macro2::Ident>(s).ok()).collect::<Option<_>>()?;
    Some(quote!(#global #(#segments)::*))
}

/// Whether values of `ty` hold `time::OffsetDateTime`s in a shape `apigen_runtime::rfc3339`
/// reads and writes (the value itself, or inside lists, maps and `Option`s, through aliases):
/// such a field needs `#[serde(with = …)]`, as `time`'s own serde format is not RFC 3339.
pub(crate) fn holds_offset_date_time(api: &Api, ty: &TypeRef) -> bool {
    match unaliased(api, ty) {
        TypeRef::OffsetDateTime => true,
        TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::OrNull(inner) => holds_offset_date_time(api, inner),
        _ => false,
    }
}

fn rfc3339_with() -> TokenStream {
    quote!(#[serde(with = "apigen_runtime::rfc3339")])
}

pub fn module(api: &Api, options: &Options) -> TokenStream {
    let derives: Vec<(String, TokenStream)> =
        options.extra_derives.iter().filter_map(|d| Some((d.clone(), derive_path(d)?))).collect();
    let items = api.types.iter().map(|def| type_def(api, def, &Extras { derives: &derives, gate: cfg(&def.features) }));
    // Paths, not imports: a schema may be called `Secret` or `Serialize`.
    // Only `union` is imported: it cannot clash with a type name (types are `UpperCamelCase`).
    // With tag features every union may be compiled out, and the import with it unused.
    let import_gate = options.tag_features.then(|| quote!(#[allow(unused_imports)]));
    let union_import =
        api.types.iter().any(|t| matches!(t.kind, TypeKind::Union(_))).then(|| quote!(#import_gate use apigen_runtime::union;));
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
            docs.push_str(&format!("Told apart by {}; a value this client does not know is kept as `Unknown`.", code(tag)));
        }
    }
    if let TypeKind::IntEnum(values) = &def.kind {
        let values: Vec<String> = values.iter().map(|v| format!("`{}` ({})", v.value, v.name)).collect();
        if !docs.is_empty() {
            docs.push_str("\n\n");
        }
        docs.push_str(&format!("An integer: {}, or any other, kept as it is.", values.join(", ")));
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
fn field_type(field: &Field) -> TokenStream {
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

fn structure(api: &Api, name: &proc_macro2::Ident, s: &Struct, sent: bool, extras: &Extras<'_>) -> TokenStream {
    let rule = field_rename_rule(&s.fields);
    let rename_all = rename_all_attr(rule);
    let fields = s.fields.iter().map(|field| {
        let docs = field_docs(field);
        let field_name = ident(&field.name);
        let ty = field_type(field);
        let rename = rename_attr(rule.map_or(field.name.clone(), |rule| rule.apply_to_field(&field.name)), &field.wire);
        let deprecated = field.deprecated.then(|| quote!(#[deprecated]));
        let with = (!field.secret && holds_offset_date_time(api, &field.ty)).then(rfc3339_with);
        let presence = match (field.required, field.nullable) {
            (true, false) => TokenStream::new(),
            // Must be sent, as `null` when there is no value; tolerated when a server omits it.
            (true, true) => quote!(#[serde(default)]),
            (false, false) => quote!(#[serde(default, skip_serializing_if = "Option::is_none")]),
            (false, true) => quote!(#[serde(default, skip_serializing_if = "apigen_runtime::Nullable::is_absent")]),
        };
        quote! {
            #docs
            #deprecated
            #rename
            #presence
            #with
            pub #field_name: #ty,
        }
    });
    let additional = s.additional.as_ref().map(|value| {
        let with = holds_offset_date_time(api, value).then(rfc3339_with);
        let value = rust_type(value, &TokenStream::new());
        quote! {
            /// Properties the schema does not name.
            #[serde(flatten)]
            #with
            pub additional_properties: std::collections::BTreeMap<String, #value>,
        }
    });
    let is_default = construction(s) == Construction::Default;
    let default = is_default.then(|| quote!(Default,));
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
        #[derive(Clone, Debug, #default PartialEq, serde::Serialize, serde::Deserialize #extra)]
        #rename_all
        pub struct #name {
            #(#fields)*
            #additional
        }

        #constructor
    }
}

/// How callers build a struct.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Construction {
    /// Nothing is required: the empty value is a sensible `Default`.
    Default,
    /// Required fields and optional ones: `new` takes the required and leaves the rest absent.
    /// Only types the client sends get it; those that only arrive in responses are decoded.
    New,
    /// Every field is required: a struct literal names them as well as `new` would.
    Literal,
}

pub(crate) fn construction(s: &Struct) -> Construction {
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
    let is_string = |field: &Field| unaliased(api, &field.ty) == &TypeRef::String;
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
    let additional = s
        .additional
        .as_ref()
        .map(|_| quote!(additional_properties: Default::default(),));
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
    if !notes.is_empty() {
        // Same paragraph: rustdoc shows the note right after the description.
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&format!("({})", notes.join("; ")));
    }
    doc(&text)
}

/// An open string enum: serde maps the known values, and `Unknown` (untagged) keeps any other
/// string, so a value added to the API later decodes instead of failing the whole response.
fn string_enum(name: &proc_macro2::Ident, values: &[EnumValue], extras: &Extras<'_>) -> TokenStream {
    let rule = best_rule(values.iter().map(|v| (v.name.as_str(), v.value.as_str())), |rule, name| rule.apply(name));
    let rename_all = rename_all_attr(rule);
    let variants = values.iter().map(|v| {
        let variant = format_ident!("{}", v.name);
        let rename = rename_attr(rule.map_or(v.name.clone(), |rule| rule.apply(&v.name)), &v.value);
        let docs = v.docs.as_deref().map(|d| doc(&clean(d)));
        quote!(#docs #rename #variant,)
    });
    // `impl_string_enum!` writes `Display` and `FromStr`.
    let extra = extras.derives(&["Clone", "Debug", "PartialEq", "Eq", "Hash", "Serialize", "Deserialize", "Display", "FromStr"]);
    let gate = &extras.gate;
    quote! {
        #gate
        #[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize #extra)]
        #rename_all
        pub enum #name {
            #(#variants)*
            #[serde(untagged)]
            Unknown(String),
        }

        #gate
        apigen_runtime::impl_string_enum!(#name);
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

/// serde's `rename_all` rules, as serde applies them to a variant name (`PascalCase`).
#[derive(Clone, Copy, Debug, PartialEq)]
enum RenameRule {
    ScreamingSnake,
    Snake,
    Kebab,
    ScreamingKebab,
    Lower,
    Upper,
    Camel,
}

impl RenameRule {
    const ALL: [RenameRule; 7] = [
        RenameRule::ScreamingSnake,
        RenameRule::Snake,
        RenameRule::Kebab,
        RenameRule::ScreamingKebab,
        RenameRule::Lower,
        RenameRule::Upper,
        RenameRule::Camel,
    ];

    fn serde_name(self) -> &'static str {
        match self {
            RenameRule::ScreamingSnake => "SCREAMING_SNAKE_CASE",
            RenameRule::Snake => "snake_case",
            RenameRule::Kebab => "kebab-case",
            RenameRule::ScreamingKebab => "SCREAMING-KEBAB-CASE",
            RenameRule::Lower => "lowercase",
            RenameRule::Upper => "UPPERCASE",
            RenameRule::Camel => "camelCase",
        }
    }

    /// As serde renames a field (`snake_case` in Rust).
    fn apply_to_field(self, field: &str) -> String {
        let pascal = || {
            let mut out = String::new();
            let mut capitalize = true;
            for c in field.chars() {
                if c == '_' {
                    capitalize = true;
                } else if capitalize {
                    out.push(c.to_ascii_uppercase());
                    capitalize = false;
                } else {
                    out.push(c);
                }
            }
            out
        };
        match self {
            RenameRule::ScreamingSnake | RenameRule::Upper => field.to_ascii_uppercase(),
            RenameRule::Snake | RenameRule::Lower => field.to_owned(),
            RenameRule::Kebab => field.replace('_', "-"),
            RenameRule::ScreamingKebab => field.to_ascii_uppercase().replace('_', "-"),
            RenameRule::Camel => lower_first(&pascal()),
        }
    }

    /// As serde renames a variant (`PascalCase` in Rust).
    fn apply(self, variant: &str) -> String {
        let snake = || {
            let mut out = String::new();
            for (i, c) in variant.char_indices() {
                if c.is_uppercase() && i > 0 {
                    out.push('_');
                }
                out.push(c.to_ascii_lowercase());
            }
            out
        };
        match self {
            RenameRule::ScreamingSnake => snake().to_ascii_uppercase(),
            RenameRule::Snake => snake(),
            RenameRule::Kebab => snake().replace('_', "-"),
            RenameRule::ScreamingKebab => snake().to_ascii_uppercase().replace('_', "-"),
            RenameRule::Lower => variant.to_ascii_lowercase(),
            RenameRule::Upper => variant.to_ascii_uppercase(),
            RenameRule::Camel => lower_first(variant),
        }
    }
}

fn rename_all_attr(rule: Option<RenameRule>) -> Option<TokenStream> {
    rule.map(|rule| {
        let rule = rule.serde_name();
        quote!(#[serde(rename_all = #rule)])
    })
}

/// `#[serde(rename)]` when serde, under the container's rule, spells the name otherwise.
fn rename_attr(spelled: String, wire: &str) -> Option<TokenStream> {
    (spelled != wire).then(|| quote!(#[serde(rename = #wire)]))
}

fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map_or(String::new(), |first| first.to_ascii_lowercase().to_string() + chars.as_str())
}

/// The rule that spells the most names as the wire does, so the fewest need a `rename` of their
/// own; `None` when the names as they are do as well.
fn best_rule<'a>(
    names: impl Iterator<Item = (&'a str, &'a str)> + Clone,
    apply: impl Fn(RenameRule, &str) -> String,
) -> Option<RenameRule> {
    let fits = |spell: &dyn Fn(&str) -> String| names.clone().filter(|(name, wire)| spell(name) == *wire).count();
    let as_is = fits(&|name| name.to_owned());
    RenameRule::ALL
        .iter()
        .map(|&rule| (rule, fits(&|name| apply(rule, name))))
        .filter(|&(_, count)| count > as_is)
        // First of the best, so the choice is stable.
        .fold(None, |best: Option<(RenameRule, usize)>, (rule, count)| match best {
            Some((_, best_count)) if best_count >= count => best,
            _ => Some((rule, count)),
        })
        .map(|(rule, _)| rule)
}

/// For struct fields (`snake_case` Rust names); only ASCII names, as serde's rules expect.
fn field_rename_rule(fields: &[Field]) -> Option<RenameRule> {
    if !fields.iter().all(|f| f.name.is_ascii()) {
        return None;
    }
    best_rule(fields.iter().map(|f| (f.name.as_str(), f.wire.as_str())), |rule, name| rule.apply_to_field(name))
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
            let with = rfc3339_with();
            ty = quote!(#with #ty);
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
    let wrap = if v.boxed {
        quote!(|value| Self::#variant(Box::new(value)))
    } else {
        quote!(Self::#variant)
    };
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

/// Without a tag, each variant is tried in order; the error names every one tried and why it
/// did not fit.
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
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let mut tried = union::Untagged::new(#type_name, union::value(deserializer)?);
                #first
                    #(.or_else(|| #attempts))*
                    .ok_or_else(|| tried.fail())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How serde itself spells these variants under `rule`.
    macro_rules! serde_variants {
        ($rule:literal: $($variant:ident),*) => {{
            #[derive(serde::Serialize)]
            #[serde(rename_all = $rule)]
            enum Spelled { $($variant),* }
            vec![$((stringify!($variant), serde_json::to_value(Spelled::$variant).unwrap().as_str().unwrap().to_owned())),*]
        }};
    }

    /// How serde itself spells these fields under `rule`.
    macro_rules! serde_fields {
        ($rule:literal: $($field:ident),*) => {{
            #[derive(serde::Serialize, Default)]
            #[serde(rename_all = $rule)]
            struct Spelled { $($field: u8),* }
            let value = serde_json::to_value(Spelled::default()).unwrap();
            let keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
            [$(stringify!($field)),*].into_iter().zip(keys).collect::<Vec<_>>()
        }};
    }

    #[test]
    fn variant_rules_spell_names_as_serde_does() {
        let cases = [
            (RenameRule::ScreamingSnake, serde_variants!("SCREAMING_SNAKE_CASE": GitRepository, Http2Server, A, Self_, AB)),
            (RenameRule::Snake, serde_variants!("snake_case": GitRepository, Http2Server, A, Self_, AB)),
            (RenameRule::Kebab, serde_variants!("kebab-case": GitRepository, Http2Server, A, Self_, AB)),
            (RenameRule::ScreamingKebab, serde_variants!("SCREAMING-KEBAB-CASE": GitRepository, Http2Server, A, Self_, AB)),
            (RenameRule::Lower, serde_variants!("lowercase": GitRepository, Http2Server, A, Self_, AB)),
            (RenameRule::Upper, serde_variants!("UPPERCASE": GitRepository, Http2Server, A, Self_, AB)),
            (RenameRule::Camel, serde_variants!("camelCase": GitRepository, Http2Server, A, Self_, AB)),
        ];
        for (rule, spelled) in cases {
            for (variant, wire) in spelled {
                assert_eq!(rule.apply(variant), wire, "{rule:?} on {variant}");
            }
        }
    }

    #[test]
    fn field_rules_spell_names_as_serde_does() {
        let cases = [
            (RenameRule::ScreamingSnake, serde_fields!("SCREAMING_SNAKE_CASE": git_repository, http2_server, a, r#type, x_b)),
            (RenameRule::Snake, serde_fields!("snake_case": git_repository, http2_server, a, r#type, x_b)),
            (RenameRule::Kebab, serde_fields!("kebab-case": git_repository, http2_server, a, r#type, x_b)),
            (RenameRule::ScreamingKebab, serde_fields!("SCREAMING-KEBAB-CASE": git_repository, http2_server, a, r#type, x_b)),
            (RenameRule::Lower, serde_fields!("lowercase": git_repository, http2_server, a, r#type, x_b)),
            (RenameRule::Upper, serde_fields!("UPPERCASE": git_repository, http2_server, a, r#type, x_b)),
            (RenameRule::Camel, serde_fields!("camelCase": git_repository, http2_server, a, r#type, x_b)),
        ];
        for (rule, spelled) in cases {
            for (field, wire) in spelled {
                let field = field.trim_start_matches("r#");
                assert_eq!(rule.apply_to_field(field), wire, "{rule:?} on {field}");
            }
        }
    }

    #[test]
    fn the_rule_that_spares_most_renames_wins_and_ties_keep_names_as_they_are() {
        let values = |pairs: &[(&str, &str)]| -> Vec<EnumValue> {
            pairs.iter().map(|(name, value)| EnumValue { name: name.to_string(), value: value.to_string(), docs: None }).collect()
        };
        let pick = |v: &[EnumValue]| best_rule(v.iter().map(|v| (v.name.as_str(), v.value.as_str())), |r, n| r.apply(n));
        assert_eq!(pick(&values(&[("BuiltIn", "BUILT_IN"), ("Job", "JOB"), ("Odd", "odd")])), Some(RenameRule::ScreamingSnake));
        assert_eq!(pick(&values(&[("Cat", "Cat"), ("Dog", "Dog")])), None);
        assert_eq!(pick(&values(&[("Running", "running"), ("Done", "done")])), Some(RenameRule::Snake));
    }
}
