//! Stage 3: the intermediate model.
//!
//! Everything the emitter needs, decided here: Rust names (keywords, collisions), merged `allOf`,
//! inline schemas promoted to named types, parameters by location, bodies by content type,
//! responses split into success and errors, security per operation. No `syn` in sight.

mod choices;
mod names;
mod operations;
pub mod synthesize;
mod types;

pub use choices::{FULL_FEATURE, WEBHOOKS_FEATURE};
pub use names::{field_name, method_name, type_name};
pub use operations::is_json;

use std::collections::{BTreeSet, HashMap};

use crate::diagnostics::{Error, Pointer, Warning};
use crate::resolve::Resolved;
use crate::Options;

/// The API as the emitter sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct Api {
    /// Each alias's final target (see [`Api::unaliased`]).
    pub alias_targets: HashMap<String, TypeRef>,
    pub title: String,
    /// A one-line summary (3.1+).
    pub summary: Option<String>,
    pub version: String,
    pub description: Option<String>,
    /// The API's license, as the document names it (`MIT`, an SPDX identifier, or a name).
    pub license: Option<String>,
    pub servers: Vec<ServerUrl>,
    /// Sorted by name.
    pub types: Vec<TypeDef>,
    /// Operation groups in the order the document lists its tags, then by first appearance.
    pub groups: Vec<Group>,
    /// Every operation, in document order; groups index into it.
    pub operations: Vec<Operation>,
    /// Requests the API sends to its users (3.1 `webhooks`), by webhook name.
    pub webhooks: Vec<Webhook>,
    pub security_schemes: Vec<SecurityScheme>,
    /// The document's top-level security: what operations need unless they say otherwise.
    pub security: Vec<Vec<String>>,
    /// The crate's cargo features when tag features are on (one per tag, then `webhooks`), in
    /// the order of the groups; empty otherwise. `full` (everything) is not listed.
    pub features: Vec<String>,
    pub warnings: Vec<Warning>,
}

impl Api {
    /// `ty` with every alias resolved: what a value of it is, in one look-up.
    pub fn unaliased<'a>(&'a self, ty: &'a TypeRef) -> &'a TypeRef {
        match ty {
            TypeRef::Named(name) => self.alias_targets.get(name).unwrap_or(ty),
            _ => ty,
        }
    }

    /// The type called `name` (`types` is sorted by name, so this is a binary search: emitting
    /// looks types up once per use, and a linear scan made that quadratic).
    pub fn type_named(&self, name: &str) -> Option<&TypeDef> {
        self.types.binary_search_by(|t| t.name.as_str().cmp(name)).ok().map(|i| &self.types[i])
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ServerUrl {
    /// With every `{variable}` replaced by its default.
    pub url: String,
    /// As written, with its `{variables}`.
    pub template: String,
    pub variables: Vec<ServerVariable>,
    pub description: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ServerVariable {
    /// As written in the template.
    pub name: String,
    /// Rust parameter name.
    pub param: String,
    pub default: String,
    /// The values the document allows, when it restricts them.
    pub allowed: Vec<String>,
    pub description: Option<String>,
}

/// The operations of one tag: one API struct in the generated crate.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// The tag as written in the document (`Job Secret`).
    pub tag: String,
    /// `job_secret`: module and accessor name.
    pub module: String,
    /// `JobSecretApi`
    pub type_name: String,
    /// The tag's short title (3.2).
    pub summary: Option<String>,
    pub description: Option<String>,
    /// The tag this one is nested under (3.2), as written.
    pub parent: Option<String>,
    pub operations: Vec<usize>,
    /// The features of its operations, sorted: the group compiles when any is on (empty:
    /// always).
    pub features: Vec<String>,
}

/// A webhook: a request the API sends, whose body users decode.
#[derive(Clone, Debug, PartialEq)]
pub struct Webhook {
    /// As named in the document (`newPet`).
    pub name: String,
    /// Upper case: `POST`.
    pub method: String,
    pub pointer: Pointer,
    /// Name of the alias to the payload type in the generated `webhooks` module (`NewPet`).
    pub alias: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub body: Option<Body>,
    /// What the receiver should answer: status and description.
    pub responses: Vec<(String, String)>,
    /// The feature the webhook compiles under ([`WEBHOOKS_FEATURE`]), when tag features are on.
    pub feature: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TypeDef {
    pub name: String,
    /// Where the schema is defined.
    pub pointer: Pointer,
    pub docs: Option<String>,
    pub deprecated: bool,
    pub kind: TypeKind,
    /// What the schema requires beyond its type (for an alias of a string: its `pattern`…).
    pub constraints: Vec<Constraint>,
    /// The client sends values of this type (in a request body or parameter, directly or
    /// nested): callers build them, so they get constructors.
    pub sent: bool,
    /// Cargo features under which the type compiles, any one sufficing: those of the operations
    /// (and webhooks) that reach it. Empty: always compiled (no tag features, or every feature
    /// reaches it); [`FULL_FEATURE`] alone for a type nothing reaches.
    pub features: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TypeKind {
    Struct(Struct),
    /// A string enum; the generated type also keeps unknown values.
    Enum(Vec<EnumValue>),
    /// Named integer values; the generated type is an integer with named constants, so it
    /// keeps unknown values too.
    IntEnum(Vec<IntValue>),
    /// `oneOf`/`anyOf`.
    Union(Union),
    Alias(TypeRef),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// Type of `additionalProperties` when the object has declared properties too.
    pub additional: Option<TypeRef>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Field {
    /// Rust name (snake_case); may be a keyword, the emitter makes it a raw identifier.
    pub name: String,
    /// Name on the wire.
    pub wire: String,
    pub ty: TypeRef,
    pub required: bool,
    pub nullable: bool,
    /// Must never be printed: `Debug` shows `***`.
    pub secret: bool,
    pub read_only: bool,
    pub write_only: bool,
    pub deprecated: bool,
    /// Recursive through this field: stored in a `Box`.
    pub boxed: bool,
    pub docs: Option<String>,
    /// The default the document declares, as JSON text (the server applies it when absent).
    pub default: Option<String>,
    /// What the document requires of the value beyond its type.
    pub constraints: Vec<Constraint>,
}

/// A rule the document sets on a value beyond its type (`format`, `pattern`, bounds…). The
/// Rust type does not enforce it; the docs say it, and example values satisfy it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Constraint {
    /// `format`, whichever it is, also those the Rust type already expresses (`uuid`, `int64`).
    Format(String),
    /// An ECMA-262 regular expression the text matches somewhere (anchors are the pattern's).
    Pattern(String),
    /// `minLength`/`maxLength`, in characters.
    Length {
        min: Option<u64>,
        max: Option<u64>,
    },
    /// A lower bound as the document writes it; `exclusive` when the bound itself is refused.
    Minimum {
        value: String,
        exclusive: bool,
    },
    Maximum {
        value: String,
        exclusive: bool,
    },
    MultipleOf(String),
    /// `minItems`/`maxItems`.
    Items {
        min: Option<u64>,
        max: Option<u64>,
    },
    UniqueItems,
    /// `minProperties`/`maxProperties`.
    Properties {
        min: Option<u64>,
        max: Option<u64>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EnumValue {
    pub name: String,
    pub value: String,
    pub docs: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IntValue {
    /// Constant name: `ACTION_ROW`.
    pub name: String,
    pub value: i64,
    pub docs: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Union {
    /// Discriminator property, when the document names one.
    pub tag: Option<String>,
    pub variants: Vec<Variant>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Variant {
    pub name: String,
    pub ty: TypeRef,
    /// Discriminator values selecting this variant.
    pub tag_values: Vec<String>,
    /// The variant's own type has the discriminator as a field, so it serializes the tag itself.
    pub carries_tag: bool,
    /// Recursive through this variant: stored in a `Box`.
    pub boxed: bool,
}

/// A use of a type.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TypeRef {
    Named(String),
    String,
    Bool,
    I32,
    I64,
    F32,
    F64,
    Uuid,
    /// `format: date-time` as `chrono::DateTime<FixedOffset>` (the default): the offset as sent
    /// (`-05:00` stays `-05:00`).
    DateTime,
    /// `format: date-time` as `time::OffsetDateTime`, RFC 3339 on the wire.
    OffsetDateTime,
    Date,
    /// `format: binary` / octet-stream: raw bytes.
    Bytes,
    /// Bytes carried as base64 text (`contentEncoding: base64`, `format: byte`).
    Base64,
    /// Anything: free-form objects, empty schemas, fallbacks.
    Json,
    List(Box<TypeRef>),
    /// `additionalProperties` alone: a map from string keys.
    Map(Box<TypeRef>),
    /// A value or `null`, where no field says so (list items, map values, bodies).
    OrNull(Box<TypeRef>),
    /// `prefixItems`: a fixed sequence of positions.
    Tuple(Vec<TypeRef>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// `operationId` as written, or one made from method and path.
    pub id: String,
    pub fn_name: String,
    /// Upper case: `POST`.
    pub method: String,
    pub path: String,
    pub pointer: Pointer,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub params: Vec<Param>,
    pub body: Option<Body>,
    pub success: Success,
    pub errors: Vec<ErrorResponse>,
    /// The typed error body: the one schema every declared error shares, `Json` when they differ.
    pub error_type: Option<TypeRef>,
    /// Alternatives (any one suffices) of scheme sets (all needed). Empty: no auth.
    pub security: Vec<Vec<String>>,
    /// The method returning [`Success::stream`] (`create_completion_stream`).
    pub stream: Option<StreamMethod>,
    /// The cargo feature the operation compiles under, when tag features are on.
    pub feature: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StreamMethod {
    pub fn_name: String,
    /// A boolean property of the JSON body that asks for the stream (`stream: true`): the
    /// stream method sets it, the plain one clears it.
    pub flag: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Location {
    Path,
    Query,
    /// The whole query string, form-encoded from one value (3.2 `in: querystring`).
    QueryString,
    Header,
    Cookie,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: String,
    pub wire: String,
    pub location: Location,
    pub required: bool,
    pub ty: TypeRef,
    pub docs: Option<String>,
    pub deprecated: bool,
    /// How an array is written: repeated (`a=1&a=2`, `explode`) or joined with this delimiter.
    pub joined_by: Option<char>,
    pub constraints: Vec<Constraint>,
    /// A value the parameter's schema accepts: the document's example, or one made to fit.
    pub example: serde_json::Value,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    pub content_type: String,
    pub payload: Payload,
    pub required: bool,
    pub docs: Option<String>,
    /// A value the body's schema accepts: the document's example, or one made to fit (`None`
    /// for a body without a schema).
    pub example: Option<serde_json::Value>,
    /// The JSON the document gives as an example of this body (the media type's `example` or
    /// first of `examples`, else its schema's), for the docs. JSON bodies only.
    pub document_example: Option<serde_json::Value>,
}

/// How a body travels.
#[derive(Clone, Debug, PartialEq)]
pub enum Payload {
    Empty,
    Json(TypeRef),
    Text,
    Bytes,
    /// `application/x-www-form-urlencoded`.
    Form(TypeRef),
    /// `multipart/form-data`: one part per property of the body's type.
    Multipart(TypeRef),
    /// `text/event-stream`: Server-Sent Events whose data is of this type (`String`: the text).
    Events(TypeRef),
    /// A sequence of JSON values, each of this type, as they arrive.
    Lines(TypeRef, LineFormat),
}

/// How the values of a [`Payload::Lines`] are delimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineFormat {
    /// JSON Lines, NDJSON: one per line.
    Lines,
    /// JSON text sequences (`application/json-seq`, RFC 7464).
    Sequence,
}

impl Payload {
    /// The generated type the payload is (de)serialized as, if any.
    pub fn typed(&self) -> Option<&TypeRef> {
        match self {
            Payload::Json(ty)
            | Payload::Form(ty)
            | Payload::Multipart(ty)
            | Payload::Events(ty)
            | Payload::Lines(ty, _) => Some(ty),
            Payload::Empty | Payload::Text | Payload::Bytes => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Success {
    /// The declared 2xx statuses with their descriptions (3xx ones, for an operation that
    /// declares no 2xx).
    pub statuses: Vec<(String, String)>,
    /// The operation declares no 2xx response but a 3xx one, which is its answer.
    pub redirect_answers: bool,
    /// The body every success status shares.
    pub payload: Payload,
    /// When success statuses carry different bodies: one outcome per status, and the method
    /// returns an enum of them instead of `payload`.
    pub outcomes: Vec<Outcome>,
    /// The same response as a stream, reached with a method of its own ([`Operation::stream`]):
    /// events or lines offered beside JSON, or a binary body read as it arrives.
    pub stream: Option<Payload>,
    /// The first success response the document gives an example of, as for [`Body::document_example`].
    pub document_example: Option<ResponseExample>,
}

/// A response body the document gives as an example, and the status it comes with.
#[derive(Clone, Debug, PartialEq)]
pub struct ResponseExample {
    /// As in [`Success::statuses`]: `200`, `2XX`, `default`.
    pub status: String,
    pub value: serde_json::Value,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub status: u16,
    /// Variant name: `Ok`, `Created`, `NoContent`, `Status206`…
    pub name: String,
    pub description: String,
    pub payload: Payload,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ErrorResponse {
    /// `None` for the `default` response.
    pub status: Option<u16>,
    pub description: String,
    pub ty: Option<TypeRef>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SecurityScheme {
    /// As named in the document (`bearerAuth`).
    pub name: String,
    /// Constructor name in the generated `auth` module.
    pub fn_name: String,
    pub kind: SchemeKind,
    pub description: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SchemeKind {
    /// `Authorization: Bearer …` (http bearer, OAuth2 and OpenID Connect access tokens).
    Bearer {
        format: Option<String>,
    },
    Basic,
    ApiKeyHeader {
        header: String,
    },
    ApiKeyQuery {
        name: String,
    },
    ApiKeyCookie {
        name: String,
    },
}

/// Builds the model with the user's choices (`options`: selection, renames, extra derives,
/// date-time type, tag features). Errors stop generation; warnings name what fell back to a
/// safe type.
pub fn build(resolved: &Resolved<'_>, options: &Options) -> Result<Api, Error> {
    let document = resolved.document;
    // Every choice is checked before anything is built: the first mistake is reported alone.
    choices::check_derives(resolved, &options.extra_derives)?;
    let selected = choices::select(resolved, &options.selection)?;
    let method_renames = choices::operation_renames(resolved, &options.renames.operations)?;
    let mut types = types::TypeBuilder::new(resolved, &options.renames.types, options.date_time)?;
    types.define_components()?;
    // Every operation is built, selected or not, so that names (collision suffixes, inline
    // types) are those of the whole document whatever the selection.
    let (mut operations, mut groups) = operations::build(resolved, &mut types, &method_renames)?;
    let mut webhooks = operations::webhooks(resolved, &mut types)?;
    let security_schemes = operations::security_schemes(resolved, &mut types.warnings);
    let (mut types, mut warnings) = types.finish();
    if options.tag_features {
        for (op, feature) in operations.iter_mut().zip(choices::operation_features(resolved)) {
            op.feature = Some(feature);
        }
        for webhook in &mut webhooks {
            webhook.feature = Some(WEBHOOKS_FEATURE.to_owned());
        }
    }
    if !options.selection.is_everything() {
        prune(&selected, &mut operations, &mut groups, &mut webhooks, &mut types, &mut warnings);
    }
    // `Api::type_named` relies on the order.
    types.sort_by(|a, b| a.name.cmp(&b.name));
    break_alias_cycles(&mut types, &mut warnings);
    merge_identical(&mut types);
    mark_sent(&mut types, &operations);
    let features = if options.tag_features {
        assign_features(&mut groups, &operations, &webhooks, &mut types)
    } else {
        Vec::new()
    };
    warnings.extend(document.warnings.iter().cloned());
    warnings.sort();
    warnings.dedup();

    let servers = resolved
        .servers()
        .iter()
        .map(|server| {
            let mut taken = std::collections::HashSet::new();
            let variables: Vec<ServerVariable> = server
                .variables
                .iter()
                .filter(|(name, _)| server.url.contains(&format!("{{{name}}}")))
                .map(|(name, v)| ServerVariable {
                    name: name.clone(),
                    param: names::unique(field_name(name), &mut taken, "_"),
                    default: v.default.clone(),
                    allowed: v.allowed.clone(),
                    description: v.description.clone(),
                })
                .collect();
            let url =
                variables.iter().fold(server.url.clone(), |url, v| url.replace(&format!("{{{}}}", v.name), &v.default));
            ServerUrl { url, template: server.url.clone(), variables, description: server.description.clone() }
        })
        .collect();

    let info = &document.info;
    let license =
        info.license.as_ref().map(|l| l.identifier.clone().unwrap_or_else(|| l.name.clone())).filter(|l| !l.is_empty());
    let alias_targets = alias_targets(&types);
    Ok(Api {
        alias_targets,
        title: info.title.clone(),
        summary: info.summary.clone(),
        version: info.version.clone(),
        description: info.description.clone(),
        license,
        servers,
        types,
        groups,
        operations,
        webhooks,
        security_schemes,
        security: operations::requirements(resolved.global_security().unwrap_or_default()),
        features,
        warnings,
    })
}

/// An alias that contains itself through lists, maps or options only (`A = Vec<A>`, a schema
/// whose items are itself) cannot be a Rust type alias, and no struct is there to box the
/// recursion: such an alias stands for any JSON value, with a warning.
fn break_alias_cycles(types: &mut [TypeDef], warnings: &mut Vec<Warning>) {
    fn reaches(
        by_name: &HashMap<&str, &TypeKind>,
        ty: &TypeRef,
        target: &str,
        seen: &mut std::collections::HashSet<String>,
    ) -> bool {
        match ty {
            TypeRef::Named(name) if name == target => true,
            TypeRef::Named(name) => match by_name.get(name.as_str()) {
                Some(TypeKind::Alias(inner)) if seen.insert(name.clone()) => reaches(by_name, inner, target, seen),
                _ => false,
            },
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::OrNull(inner) => {
                reaches(by_name, inner, target, seen)
            }
            TypeRef::Tuple(items) => items.iter().any(|item| reaches(by_name, item, target, seen)),
            _ => false,
        }
    }
    let cyclic: Vec<usize> = {
        let by_name: HashMap<&str, &TypeKind> = types.iter().map(|t| (t.name.as_str(), &t.kind)).collect();
        types
            .iter()
            .enumerate()
            .filter(|(_, def)| matches!(&def.kind, TypeKind::Alias(inner) if reaches(&by_name, inner, &def.name, &mut Default::default())))
            .map(|(i, _)| i)
            .collect()
    };
    for i in cyclic {
        warnings.push(Warning {
            pointer: types[i].pointer.clone(),
            message: format!("`{}` contains itself through lists or maps only, which no Rust type can be; typed as serde_json::Value", types[i].name),
        });
        types[i].kind = TypeKind::Alias(TypeRef::Json);
    }
}

/// What each alias finally stands for, past every alias in between: found once, so that the
/// emitter's look-ups stay constant time on documents that chain thousands of aliases.
fn alias_targets(types: &[TypeDef]) -> HashMap<String, TypeRef> {
    let by_name: HashMap<&str, &TypeDef> = types.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut targets: HashMap<String, TypeRef> = HashMap::new();
    for def in types {
        let TypeKind::Alias(first) = &def.kind else { continue };
        if targets.contains_key(&def.name) {
            continue;
        }
        // Walk until something that is not an alias, or an alias already resolved.
        let mut chain = vec![def.name.as_str()];
        let mut current = first;
        let end = loop {
            let TypeRef::Named(name) = current else { break current.clone() };
            if let Some(known) = targets.get(name.as_str()) {
                break known.clone();
            }
            match by_name.get(name.as_str()).map(|t| &t.kind) {
                // A loop of aliases (`resolve` refuses them): stop where it closes.
                Some(TypeKind::Alias(_)) if chain.contains(&name.as_str()) => break current.clone(),
                Some(TypeKind::Alias(next)) => {
                    chain.push(name.as_str());
                    current = next;
                }
                _ => break current.clone(),
            }
        };
        for link in chain {
            targets.insert(link.to_owned(), end.clone());
        }
    }
    targets
}

/// The types an operation names: parameters, body, every success payload, error bodies.
fn operation_roots(op: &Operation) -> Vec<TypeRef> {
    let mut roots: Vec<TypeRef> = op.params.iter().map(|p| p.ty.clone()).collect();
    let payloads = op
        .body
        .iter()
        .map(|b| &b.payload)
        .chain([&op.success.payload])
        .chain(op.success.outcomes.iter().map(|o| &o.payload))
        .chain(&op.success.stream);
    roots.extend(payloads.filter_map(Payload::typed).cloned());
    roots.extend(op.errors.iter().filter_map(|e| e.ty.clone()));
    roots.extend(op.error_type.clone());
    roots
}

fn webhook_roots(webhook: &Webhook) -> Vec<TypeRef> {
    webhook.body.iter().filter_map(|b| b.payload.typed()).cloned().collect()
}

/// Which types `roots` reach, through fields, items, map values, union variants and aliases.
fn reach(types: &[TypeDef], index: &HashMap<&str, usize>, roots: Vec<TypeRef>) -> Vec<bool> {
    let mut work = roots;
    let mut reached = vec![false; types.len()];
    while let Some(ty) = work.pop() {
        match ty {
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::OrNull(inner) => work.push(*inner),
            TypeRef::Tuple(items) => work.extend(items),
            TypeRef::Named(name) => {
                let Some(&i) = index.get(name.as_str()) else { continue };
                if std::mem::replace(&mut reached[i], true) {
                    continue;
                }
                match &types[i].kind {
                    TypeKind::Struct(s) => {
                        work.extend(s.fields.iter().map(|f| f.ty.clone()));
                        work.extend(s.additional.clone());
                    }
                    TypeKind::Union(u) => work.extend(u.variants.iter().map(|v| v.ty.clone())),
                    TypeKind::Alias(inner) => work.push(inner.clone()),
                    TypeKind::Enum(_) | TypeKind::IntEnum(_) => {}
                }
            }
            _ => {}
        }
    }
    reached
}

fn type_index(types: &[TypeDef]) -> HashMap<&str, usize> {
    types.iter().enumerate().map(|(i, t)| (t.name.as_str(), i)).collect()
}

/// Drops the operations and webhooks the selection leaves out, the groups left empty, the types
/// nothing kept reaches, and the warnings about what was dropped.
fn prune(
    selected: &choices::Selected,
    operations: &mut Vec<Operation>,
    groups: &mut Vec<Group>,
    webhooks: &mut Vec<Webhook>,
    types: &mut Vec<TypeDef>,
    warnings: &mut Vec<Warning>,
) {
    let mut dropped: Vec<Pointer> = Vec::new();
    let mut new_index: Vec<Option<usize>> = Vec::with_capacity(operations.len());
    let mut kept = Vec::new();
    for (op, keep) in std::mem::take(operations).into_iter().zip(&selected.operations) {
        if *keep {
            new_index.push(Some(kept.len()));
            kept.push(op);
        } else {
            new_index.push(None);
            dropped.push(op.pointer.clone());
        }
    }
    *operations = kept;
    for group in groups.iter_mut() {
        group.operations = group.operations.iter().filter_map(|&i| new_index.get(i).copied().flatten()).collect();
    }
    groups.retain(|g| !g.operations.is_empty());
    let mut keep_webhook = selected.webhooks.iter();
    webhooks.retain(|w| {
        let keep = keep_webhook.next().copied().unwrap_or(true);
        if !keep {
            dropped.push(w.pointer.clone());
        }
        keep
    });

    let roots: Vec<TypeRef> =
        operations.iter().flat_map(operation_roots).chain(webhooks.iter().flat_map(webhook_roots)).collect();
    let reached = reach(types, &type_index(types), roots);
    let mut reached = reached.into_iter();
    types.retain(|t| {
        let keep = reached.next().unwrap_or(true);
        if !keep {
            dropped.push(t.pointer.clone());
        }
        keep
    });
    // A kept type may sit inside a dropped operation (an inline schema another kept one refers
    // to): its warnings stay.
    let kept_pointers: Vec<&Pointer> = types.iter().map(|t| &t.pointer).collect();
    warnings.retain(|w| {
        !dropped.iter().any(|d| w.pointer.starts_with(d)) || kept_pointers.iter().any(|k| w.pointer.starts_with(k))
    });
}

/// Gives groups and types the features that compile them (see [`TypeDef::features`]) and
/// returns every feature of the crate, in group order, `webhooks` last.
fn assign_features(
    groups: &mut [Group],
    operations: &[Operation],
    webhooks: &[Webhook],
    types: &mut [TypeDef],
) -> Vec<String> {
    let mut features: Vec<String> = Vec::new();
    for group in groups.iter_mut() {
        let mine: BTreeSet<String> = group.operations.iter().filter_map(|&i| operations[i].feature.clone()).collect();
        for feature in &mine {
            if !features.contains(feature) {
                features.push(feature.clone());
            }
        }
        group.features = mine.into_iter().collect();
    }
    if let Some(feature) = webhooks.iter().find_map(|w| w.feature.clone()) {
        features.push(feature);
    }
    let index = type_index(types);
    let mut reached_by: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); types.len()];
    for feature in &features {
        let roots: Vec<TypeRef> = operations
            .iter()
            .filter(|op| op.feature.as_ref() == Some(feature))
            .flat_map(operation_roots)
            .chain(webhooks.iter().filter(|w| w.feature.as_ref() == Some(feature)).flat_map(webhook_roots))
            .collect();
        for (i, reached) in reach(types, &index, roots).into_iter().enumerate() {
            if reached {
                reached_by[i].insert(feature);
            }
        }
    }
    let gates: Vec<Vec<String>> = reached_by
        .into_iter()
        .map(|by| match by.len() {
            // Nothing reaches it (a component no operation uses): only with everything.
            0 => vec![FULL_FEATURE.to_owned()],
            // Every feature needs it: no gate at all.
            n if n == features.len() => Vec::new(),
            _ => by.into_iter().map(str::to_owned).collect(),
        })
        .collect();
    for (def, gate) in types.iter_mut().zip(gates) {
        def.features = gate;
    }
    features
}

/// A type identical to one before it (same shape, same docs) becomes an alias of it: documents
/// repeat inline schemas (`ports` items in every service request, schedules per event), and one
/// definition compiles faster than several. Every name stays, so nothing callers see changes.
fn merge_identical(types: &mut [TypeDef]) {
    let mut first: std::collections::HashMap<(&Option<String>, bool, &TypeKind, &Vec<Constraint>), usize> =
        Default::default();
    let mut merges = Vec::new();
    for (i, def) in types.iter().enumerate() {
        if matches!(def.kind, TypeKind::Alias(_)) {
            continue;
        }
        match first.entry((&def.docs, def.deprecated, &def.kind, &def.constraints)) {
            std::collections::hash_map::Entry::Occupied(canonical) => {
                merges.push((i, types[*canonical.get()].name.clone()))
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(i);
            }
        }
    }
    for (i, canonical) in merges {
        types[i].kind = TypeKind::Alias(TypeRef::Named(canonical));
    }
}

/// Marks every type reachable from a request body or parameter.
fn mark_sent(types: &mut [TypeDef], operations: &[Operation]) {
    let mut roots: Vec<TypeRef> = Vec::new();
    for op in operations {
        roots.extend(op.params.iter().map(|p| p.ty.clone()));
        roots.extend(op.body.as_ref().and_then(|b| b.payload.typed()).cloned());
    }
    let sent = reach(types, &type_index(types), roots);
    for (def, sent) in types.iter_mut().zip(sent) {
        def.sent = sent;
    }
}
