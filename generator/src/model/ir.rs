//! The model's data: the types, operations, webhooks and security schemes the emitter reads,
//! all decided (names, merged `allOf`, boxing, features). Plain values with no behaviour beyond
//! small queries; the [`Api`](super::Api) that holds them keeps its own invariants.

use crate::pointer::Pointer;

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
    /// The feature the webhook compiles under ([`WEBHOOKS_FEATURE`](super::WEBHOOKS_FEATURE)), when tag features are on.
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
    /// reaches it); [`FULL_FEATURE`](super::FULL_FEATURE) alone for a type nothing reaches.
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

impl TypeRef {
    /// The type uses directly inside this one: a list's items, a map's values, what an `OrNull`
    /// holds besides `null`, a tuple's positions; none for a named or a primitive type. Every
    /// walk over a type goes through here, so a new kind of container is one arm to add.
    pub fn children(&self) -> &[TypeRef] {
        match self {
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::OrNull(inner) => std::slice::from_ref(inner),
            TypeRef::Tuple(items) => items,
            TypeRef::Named(_)
            | TypeRef::String
            | TypeRef::Bool
            | TypeRef::I32
            | TypeRef::I64
            | TypeRef::F32
            | TypeRef::F64
            | TypeRef::Uuid
            | TypeRef::DateTime
            | TypeRef::OffsetDateTime
            | TypeRef::Date
            | TypeRef::Bytes
            | TypeRef::Base64
            | TypeRef::Json => &[],
        }
    }

    /// The children a value of this type holds in place (an `Option`'s value, a tuple's
    /// positions), not those on the heap behind a `Vec` or a map: only the former make a type
    /// that contains itself infinitely large.
    pub fn inline_children(&self) -> &[TypeRef] {
        match self {
            TypeRef::List(_) | TypeRef::Map(_) => &[],
            _ => self.children(),
        }
    }

    /// This type and every type use inside it, depth first, each before its children.
    pub fn walk(&self) -> impl Iterator<Item = &TypeRef> {
        let mut pending = vec![self];
        std::iter::from_fn(move || {
            let ty = pending.pop()?;
            pending.extend(ty.children().iter().rev());
            Some(ty)
        })
    }

    /// The names of the generated types this type uses, itself included, in [`walk`](Self::walk) order.
    pub fn named_types(&self) -> impl Iterator<Item = &str> {
        self.walk().filter_map(|ty| match ty {
            TypeRef::Named(name) => Some(name.as_str()),
            _ => None,
        })
    }
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
    /// The OAuth2 scopes its security asks for, each once: what a token it sends must carry.
    pub scopes: Vec<String>,
    /// The method returning [`Success::stream`] (`create_completion_stream`).
    pub stream: Option<StreamMethod>,
    /// The cargo feature the operation compiles under, when tag features are on.
    pub feature: Option<String>,
    /// The header parameter that carries an idempotency key (`Idempotency-Key`), as written:
    /// the runtime fills it when the caller does not, and may then retry a `POST`.
    pub idempotency_header: Option<String>,
    /// How the operation's list pages, when it does: its `_stream` and `_pages` methods.
    pub pagination: Option<Pagination>,
    /// Why a list-like operation (one returning a list and taking a paging parameter) is not
    /// paginated.
    pub unpaged: Option<String>,
}

/// An operation's pagination: how the next page is asked for, where the items are, and the
/// names of the two methods it gets.
#[derive(Clone, Debug, PartialEq)]
pub struct Pagination {
    pub style: PageStyle,
    /// What decided it: the extension's name, `apigen.toml`, or `convention`.
    pub source: String,
    /// The fields from the page to its items; empty when the page is the list itself.
    pub items: FieldPath,
    /// The type of one item.
    pub item: TypeRef,
    /// The method giving the items across pages (`list_things_stream`).
    pub stream_fn: String,
    /// The method giving the pages (`list_things_pages`).
    pub pages_fn: String,
}

/// How the request for the next page is made. Parameters are query parameters, as sent.
#[derive(Clone, Debug, PartialEq)]
pub enum PageStyle {
    /// The page's cursor (`next_page`), sent back as `param` (`page_token`). The query
    /// parameters of `first_only` go with the first page alone: Dropshot's scan parameters
    /// (`sort_by`), which its cursor carries.
    Cursor { param: String, cursor: FieldPath, first_only: Vec<String> },
    /// Stripe's lists: while `has_more` is true, the last item's `id` is sent as `param`
    /// (`starting_after`).
    AfterLast { param: String, has_more: FieldPath, id: FieldStep },
    /// A URL in the body (`next`).
    NextUrl { next: FieldPath },
    /// The `Link` header's `rel="next"`.
    LinkHeader,
    /// `param` (an offset) advanced by the items received; `size` is the page-size parameter.
    Offset { param: String, size: Option<String>, end: PageEnd },
    /// `param` (a page number, `first` for the first page) advanced by one.
    PageNumber { param: String, first: u64, size: Option<String>, end: PageEnd },
}

impl PageStyle {
    /// How `apigen list --paginated` and the docs name it.
    pub fn name(&self) -> &'static str {
        match self {
            PageStyle::Cursor { .. } => "cursor",
            PageStyle::AfterLast { .. } => "has_more",
            PageStyle::NextUrl { .. } => "next URL",
            PageStyle::LinkHeader => "Link header",
            PageStyle::Offset { .. } => "offset",
            PageStyle::PageNumber { .. } => "page number",
        }
    }
}

/// What an offset or numbered page says of its end, besides coming back short or empty.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageEnd {
    /// A boolean field, and the value that means "this is the last page" (`isLast: true`,
    /// `has_more: false`).
    pub last: Option<(FieldPath, bool)>,
    /// An integer field with the number of items in the whole list.
    pub total: Option<FieldPath>,
}

/// Fields one inside the other, from the page down.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FieldPath(pub Vec<FieldStep>);

impl FieldPath {
    /// `meta.next_cursor`, as the document names the fields.
    pub fn wire(&self) -> String {
        self.0.iter().map(|step| step.wire.as_str()).collect::<Vec<_>>().join(".")
    }
}

/// One field of a path: its Rust name, its name on the wire, and how the struct holds it.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldStep {
    pub name: String,
    pub wire: String,
    pub presence: Presence,
    /// The field's type, inside its wrapper.
    pub ty: TypeRef,
}

/// How a struct holds a field, as the generated types write it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    /// Required and not nullable: `T`.
    Always,
    /// Optional, or required and nullable: `Option<T>`.
    Option,
    /// Optional and nullable: `Nullable<T>`.
    Nullable,
}

impl Presence {
    pub(super) fn of(field: &Field) -> Presence {
        match (field.required, field.nullable) {
            (true, false) => Presence::Always,
            (false, true) => Presence::Nullable,
            _ => Presence::Option,
        }
    }
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
    /// The first JSON success response's example: the document's, as for
    /// [`Body::document_example`], else one assembled from its schema.
    pub document_example: Option<ResponseExample>,
    /// The headers the success responses declare, each name once.
    pub headers: Vec<ResponseHeader>,
}

/// A header a success response declares, and the scalar type its value parses as.
#[derive(Clone, Debug, PartialEq)]
pub struct ResponseHeader {
    /// As the document writes it (`X-RateLimit-Remaining`).
    pub wire: String,
    pub ty: TypeRef,
    pub docs: Option<String>,
}

/// A response body the document gives as an example, and the status it comes with.
#[derive(Clone, Debug, PartialEq)]
pub struct ResponseExample {
    /// As in [`Success::statuses`]: `200`, `2XX`, `default`.
    pub status: String,
    pub value: serde_json::Value,
    /// Made from the schema (its properties' examples, defaults, enums, placeholders) because
    /// the document gives no example of the whole body.
    pub assembled: bool,
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
    /// An OAuth2 access token, also obtained by the client itself from the document's flows:
    /// the `tokenUrl` of `clientCredentials`, and where a refresh token is exchanged.
    OAuth2 {
        client_credentials: Option<String>,
        refresh: Option<String>,
    },
}

#[cfg(test)]
mod tests {
    use super::TypeRef;

    fn named(name: &str) -> TypeRef {
        TypeRef::Named(name.into())
    }

    /// `(Vec<A>, Option<BTreeMap<String, B>>, String)`: every use once, each before its
    /// children, in order; only the `Option` and the tuple hold theirs in place.
    #[test]
    fn a_walk_visits_every_use_each_before_its_children() {
        let list = TypeRef::List(Box::new(named("A")));
        let map = TypeRef::Map(Box::new(named("B")));
        let option = TypeRef::OrNull(Box::new(map.clone()));
        let tuple = TypeRef::Tuple(vec![list.clone(), option.clone(), TypeRef::String]);
        let walked: Vec<&TypeRef> = tuple.walk().collect();
        assert_eq!(walked, [&tuple, &list, &named("A"), &option, &map, &named("B"), &TypeRef::String]);
        assert_eq!(tuple.inline_children(), [list.clone(), option.clone(), TypeRef::String]);
        assert_eq!(option.inline_children(), std::slice::from_ref(&map));
        assert!(list.inline_children().is_empty() && map.inline_children().is_empty());
        assert_eq!(list.children(), [named("A")]);
        assert!(named("A").children().is_empty());
    }
}
