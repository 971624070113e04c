//! Named types → `types.rs`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{clean, code, doc, doc_opt};
use super::{ident, rust_type};
use crate::model::{Api, EnumValue, Field, Struct, TypeDef, TypeKind, TypeRef, Union};
use crate::Options;

pub fn module(api: &Api, _options: &Options) -> TokenStream {
    let items = api.types.iter().map(type_def);
    // Nothing is imported: a schema may be called `Secret` or `Serialize`, and paths are safe.
    quote! {
        //! The document's schemas as Rust types.
        #![allow(clippy::large_enum_variant, clippy::too_many_arguments, deprecated)]

        #(#items)*
    }
}

fn type_def(def: &TypeDef) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc_opt(def.docs.as_deref());
    let deprecated = def.deprecated.then(|| quote!(#[deprecated]));
    let body = match &def.kind {
        TypeKind::Struct(s) => structure(&name, s),
        TypeKind::Enum(values) => string_enum(&name, values),
        TypeKind::Union(u) => union(&name, u),
        TypeKind::Alias(ty) => {
            let ty = rust_type(ty, &TokenStream::new());
            quote!(pub type #name = #ty;)
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

fn structure(name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    let fields = s.fields.iter().map(|field| {
        let docs = field_docs(field);
        let field_name = ident(&field.name);
        let ty = field_type(field);
        let rename = (field.name != field.wire).then(|| {
            let wire = &field.wire;
            quote!(#[serde(rename = #wire)])
        });
        let deprecated = field.deprecated.then(|| quote!(#[deprecated]));
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
            pub #field_name: #ty,
        }
    });
    let additional = s.additional.as_ref().map(|value| {
        let value = rust_type(value, &TokenStream::new());
        quote! {
            /// Properties the schema does not name.
            #[serde(flatten)]
            pub additional_properties: std::collections::BTreeMap<String, #value>,
        }
    });
    let constructor = constructor(name, s);
    // With nothing required, the empty value is a sensible `Default`.
    let default = s.fields.iter().all(|f| !f.required).then(|| quote!(Default,));
    quote! {
        #[derive(Clone, Debug, #default PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct #name {
            #(#fields)*
            #additional
        }

        #constructor
    }
}

/// `new` takes the required fields; everything optional starts absent.
fn constructor(name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    let required: Vec<&Field> = s.fields.iter().filter(|f| f.required).collect();
    let params = required.iter().map(|field| {
        let field_name = ident(&field.name);
        let ty = match (&field.ty, field.secret, field.boxed, field.nullable) {
            (TypeRef::String, false, false, false) => quote!(impl Into<String>),
            (TypeRef::String, true, false, false) => quote!(impl Into<apigen_runtime::Secret<String>>),
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
        let into_needed = matches!(field.ty, TypeRef::String) && !field.boxed && !field.nullable;
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
    let doc = if required.is_empty() {
        "An empty value: every field absent."
    } else {
        "A value with the required fields set and every optional field absent."
    };
    let doc = super::docs::doc(doc);
    quote! {
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
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&format!("({})", notes.join("; ")));
    }
    doc(&text)
}

fn string_enum(name: &proc_macro2::Ident, values: &[EnumValue]) -> TokenStream {
    let variants: Vec<_> = values.iter().map(|v| format_ident!("{}", v.name)).collect();
    let wires: Vec<_> = values.iter().map(|v| v.value.as_str()).collect();
    let variant_docs = values.iter().map(|v| doc(&code(&v.value)));
    quote! {
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#variant_docs #variants,)*
            /// A value this client does not know: kept as received.
            Unknown(String),
        }

        impl #name {
            /// The value as written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #wires,)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    #(#wires => Self::#variants,)*
                    _ => Self::Unknown(value),
                }
            }
        }

        apigen_runtime::impl_string_enum!(#name);
    }
}

fn union(name: &proc_macro2::Ident, u: &Union) -> TokenStream {
    let tagged = u.tag.is_some() && u.variants.iter().all(|v| !v.tag_values.is_empty());
    let variants = u.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let mut ty = rust_type(&v.ty, &TokenStream::new());
        if v.boxed {
            ty = quote!(Box<#ty>);
        }
        let docs = if v.tag_values.is_empty() {
            TokenStream::new()
        } else {
            let values: Vec<String> = v.tag_values.iter().map(|t| code(t)).collect();
            doc(&format!("Tag {}.", values.join(" or ")))
        };
        quote!(#docs #variant(#ty),)
    });
    let (unknown, impls) = match (&u.tag, tagged) {
        (Some(tag), true) => (
            quote! {
                /// A tag this client does not know: the value is kept as received.
                Unknown(serde_json::Value),
            },
            tagged_impls(name, tag, u),
        ),
        _ => (TokenStream::new(), untagged_impls(name, u)),
    };
    quote! {
        #[derive(Clone, Debug, PartialEq)]
        pub enum #name {
            #(#variants)*
            #unknown
        }

        #impls
    }
}

/// A discriminated union reads its tag first, then decodes the whole object (tag included, so
/// variant structs that declare the tag property still find it) as the variant it selects.
fn tagged_impls(name: &proc_macro2::Ident, tag: &str, u: &Union) -> TokenStream {
    let arms = u.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let values = &v.tag_values;
        let wrap = if v.boxed { quote!(|v| Self::#variant(Box::new(v))) } else { quote!(Self::#variant) };
        quote!(#(Some(#values))|* => apigen_runtime::union::variant(value).map(#wrap),)
    });
    let serialize_arms = u.variants.iter().map(|v| {
        let variant = ident(&v.name);
        if v.carries_tag {
            quote!(Self::#variant(value) => serde::Serialize::serialize(value, serializer),)
        } else {
            let value = &v.tag_values[0];
            quote!(Self::#variant(value) => apigen_runtime::union::serialize_tagged(value, #tag, #value, serializer),)
        }
    });
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                match apigen_runtime::union::tag(&value, #tag).as_deref() {
                    #(#arms)*
                    _ => Ok(Self::Unknown(value)),
                }
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#serialize_arms)*
                    Self::Unknown(value) => serde::Serialize::serialize(value, serializer),
                }
            }
        }
    }
}

/// Without a tag, each variant is tried in order; the error names every one tried and why it
/// did not fit.
fn untagged_impls(name: &proc_macro2::Ident, u: &Union) -> TokenStream {
    let type_name = name.to_string();
    let attempts = u.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let label = &v.name;
        let wrap = if v.boxed { quote!(Self::#variant(Box::new(value))) } else { quote!(Self::#variant(value)) };
        quote! {
            if let Some(value) = tried.attempt(#label) {
                return Ok(#wrap);
            }
        }
    });
    let serialize_arms = u.variants.iter().map(|v| {
        let variant = ident(&v.name);
        quote!(Self::#variant(value) => serde::Serialize::serialize(value, serializer),)
    });
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let mut tried = apigen_runtime::union::Untagged::new(#type_name, <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?);
                #(#attempts)*
                Err(tried.fail())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#serialize_arms)*
                }
            }
        }
    }
}
