//! Paths and methods → operations grouped by tag.

use std::collections::{BTreeSet, HashSet};

use heck::ToUpperCamelCase;

use super::ir::{
    Body, ErrorResponse, Group, LineFormat, Location, Operation, Outcome, Param, Payload, ResponseExample, SchemeKind,
    SecurityScheme, StreamMethod, Success, TypeRef, Webhook,
};
use super::names::{field_name, method_name, type_name, unique};
use super::types::{docs, TypeBuilder};
use crate::diagnostics::{Error, Warning};
use crate::load::{
    ApiKeyIn, MediaType, Parameter, ParameterIn, SecurityRequirement, SecurityScheme as Scheme, StatusKey,
};
use crate::pointer::Pointer;
use crate::resolve::{status_label, Located, Resolved, ResolvedOperation};

/// Names an operation cannot give a parameter: the generated method uses them itself.
const RESERVED_PARAMS: [&str; 2] = ["body", "options"];

/// `renames`: the method name the user chose for each operation, by index into
/// `resolved.operations` (checked: valid and taken by no other operation).
pub fn build(
    resolved: &Resolved<'_>,
    types: &mut TypeBuilder<'_, '_>,
    renames: &[Option<String>],
) -> Result<(Vec<Operation>, Vec<Group>), Error> {
    let mut operations = Vec::new();
    // Chosen names are taken first, so that no derived name (`list_2`…) lands on one.
    let mut fn_names: HashSet<String> = renames.iter().flatten().cloned().collect();
    for (i, op) in resolved.operations.iter().enumerate() {
        let rename = renames.get(i).cloned().flatten();
        operations.push(operation(resolved, types, op, &mut fn_names, rename)?);
    }
    let groups = groups(resolved, &operations);
    Ok((operations.into_iter().map(|(o, _)| o).collect(), groups))
}

fn groups(resolved: &Resolved<'_>, operations: &[(Operation, String)]) -> Vec<Group> {
    let tags = &resolved.document.tags;
    let mut order: Vec<String> = tags.iter().map(|t| t.name.clone()).collect();
    for (_, tag) in operations {
        if !order.contains(tag) {
            order.push(tag.clone());
        }
    }
    let mut modules = HashSet::new();
    let mut type_names = HashSet::new();
    order
        .into_iter()
        .filter_map(|tag| {
            let members: Vec<usize> =
                operations.iter().enumerate().filter(|(_, (_, t))| *t == tag).map(|(i, _)| i).collect();
            if members.is_empty() {
                return None;
            }
            let declared = tags.iter().find(|t| t.name == tag);
            Some(Group {
                module: unique(field_name(&tag), &mut modules, "_"),
                type_name: unique(type_name(&format!("{tag} Api")), &mut type_names, ""),
                summary: declared.and_then(|t| t.summary.clone()),
                description: declared.and_then(|t| t.description.clone()),
                parent: declared.and_then(|t| t.parent.clone()),
                tag,
                operations: members,
                features: Vec::new(),
            })
        })
        .collect()
}

fn operation(
    resolved: &Resolved<'_>,
    types: &mut TypeBuilder<'_, '_>,
    op: &ResolvedOperation<'_>,
    fn_names: &mut HashSet<String>,
    rename: Option<String>,
) -> Result<(Operation, String), Error> {
    let source = op.operation;
    let id = source.operation_id.clone().unwrap_or_else(|| format!("{} {}", op.method.to_ascii_lowercase(), op.path));
    let fn_name = match rename {
        Some(chosen) => chosen,
        None => unique(method_name(&id), fn_names, "_"),
    };
    let type_prefix = fn_name.to_upper_camel_case();

    let mut param_names: HashSet<String> = RESERVED_PARAMS.iter().map(|s| s.to_string()).collect();
    let mut params = Vec::new();
    for located in &op.parameters {
        params.push(param(types, located, &type_prefix, &mut param_names)?);
    }
    // Path parameters come in path order, as the template reads.
    params.sort_by_key(|p| (p.location, !p.required, path_position(op.path, p)));

    let body = match &op.request_body {
        Some(located) => body(types, located, &format!("{type_prefix}Body"))?,
        None => None,
    };

    let mut success_statuses = Vec::new();
    let mut success_payloads = Vec::new();
    let mut streams = Vec::new();
    let mut errors = Vec::new();
    let mut response_example = None;
    let mut success_headers = Vec::new();
    let has_success = op.responses.iter().any(|r| is_success(r.status));
    // An operation that declares no 2xx but a 3xx answers with it (Twilio's payload data:
    // `307` with a JSON body): that response is what the caller asked for, not an error.
    let redirect_answers = !has_success && op.responses.iter().any(|r| is_redirect(r.status));
    let answers = |status: StatusKey| is_success(status) || (redirect_answers && is_redirect(status));
    let has_answer = op.responses.iter().any(|r| answers(r.status));
    for response in &op.responses {
        let description = response.description.to_owned();
        let chosen = choose_media(&response.response.content);
        if answers(response.status) || (!has_answer && response.status == StatusKey::Default) {
            let hint = format!("{type_prefix}Response");
            let received = match chosen {
                // A response to HEAD never has a body, whatever the document describes.
                _ if op.method.eq_ignore_ascii_case("HEAD") => Payload::Empty,
                // Nor does a `204` or `205` (RFC 9110): Jira describes JSON on dozens of them, and
                // its server, like any, sends nothing.
                Some(_) if matches!(response.status, StatusKey::Code(204 | 205)) => {
                    types.warnings.push(Warning::new(
                        response.pointer.join("content"),
                        "a 204 or 205 response has no body (RFC 9110); its content is not read",
                    ));
                    Payload::Empty
                }
                Some((content_type, media)) => payload(types, content_type, media, &response.pointer, &hint)?,
                None => Payload::Empty,
            };
            // Events or lines offered beside JSON: the same response as a stream.
            if let (Payload::Json(_), Some((content_type, media))) =
                (&received, sequential_media(&response.response.content))
            {
                streams.push(payload(
                    types,
                    content_type,
                    media,
                    &response.pointer,
                    &format!("{type_prefix}StreamResponse"),
                )?);
            }
            // The document's example of any success response comes before one assembled for the first.
            if response_example.as_ref().is_none_or(|e: &ResponseExample| e.assembled)
                && matches!(received, Payload::Json(_))
            {
                let found = chosen.and_then(|(_, media)| response_example_of(types, media, response.status));
                if response_example.is_none() || found.as_ref().is_some_and(|e| !e.assembled) {
                    response_example = found;
                }
            }
            super::response_headers::declared(resolved, &response.headers, &mut success_headers);
            success_statuses.push((status_label(response.status), description));
            success_payloads.push((received, response.pointer.clone()));
        } else {
            let ty = match chosen {
                Some((content_type, media)) if is_json(content_type) => match media.schema {
                    Some(schema) => {
                        let hint = format!("{type_prefix}Error{}", status_label(response.status));
                        Some(types.usage(schema, &type_name(&hint))?.or_null())
                    }
                    None => Some(TypeRef::Json),
                },
                _ => None,
            };
            let status = match response.status {
                StatusKey::Code(code) => Some(code),
                StatusKey::Default => None,
                StatusKey::Range(range) => {
                    types.warnings.push(Warning::new(
                        response.pointer.clone(),
                        format!("status range {range}XX is documented but matched as any error"),
                    ));
                    continue;
                }
            };
            errors.push(ErrorResponse { status, description, ty });
        }
    }
    let outcomes = outcomes(&success_statuses, &success_payloads);
    let payload = merge_payloads(success_payloads, &op.pointer, &mut types.warnings, !outcomes.is_empty());
    // A binary body can be read as it arrives; events or lines beside JSON have a method of
    // their own.
    let stream = match (&payload, streams.as_slice()) {
        _ if !outcomes.is_empty() => None,
        (Payload::Bytes, _) => Some(Payload::Bytes),
        (Payload::Json(_), [only]) => Some(only.clone()),
        _ => None,
    };
    let stream_method = stream.as_ref().map(|_| {
        // `stream: true` in the JSON body is how many APIs are asked for the stream.
        let flag = match body.as_ref().map(|b| (&b.payload, b.required)) {
            Some((Payload::Json(ty), true)) if types.has_field(ty, "stream", &TypeRef::Bool) => {
                Some("stream".to_owned())
            }
            _ => None,
        };
        StreamMethod { fn_name: unique(format!("{fn_name}_stream"), fn_names, "_"), flag }
    });
    let success = Success {
        redirect_answers,
        statuses: success_statuses,
        payload,
        outcomes,
        stream,
        document_example: response_example,
        headers: success_headers,
    };
    let error_types: BTreeSet<&TypeRef> = errors.iter().filter_map(|e| e.ty.as_ref()).collect();
    let error_type = match error_types.len() {
        0 => None,
        1 => error_types.into_iter().next().cloned(),
        _ => Some(TypeRef::Json),
    };

    let declared = source.security.as_deref().or(resolved.global_security()).unwrap_or_default();
    let security = requirements(declared);
    let scopes = super::oauth::scopes(resolved, declared);

    let tag = source.tags.first().cloned().unwrap_or_else(|| "default".to_owned());
    let idempotency_header = super::idempotency::header(&params);
    Ok((
        Operation {
            id,
            fn_name,
            method: op.method.to_ascii_uppercase(),
            path: op.path.to_owned(),
            pointer: op.pointer.clone(),
            summary: source.summary.clone(),
            description: source.description.clone(),
            deprecated: source.deprecated,
            params,
            body,
            success,
            errors,
            error_type,
            security,
            scopes,
            stream: stream_method,
            feature: None,
            idempotency_header,
            pagination: None,
            unpaged: None,
        },
        tag,
    ))
}

/// Security requirements as alternatives of scheme names.
pub fn requirements(requirements: &[SecurityRequirement]) -> Vec<Vec<String>> {
    requirements.iter().map(|r| r.keys().cloned().collect()).collect()
}

fn path_position(path: &str, p: &Param) -> usize {
    if p.location == Location::Path {
        path.find(&format!("{{{}}}", p.wire)).unwrap_or(usize::MAX)
    } else {
        0
    }
}

fn param(
    types: &mut TypeBuilder<'_, '_>,
    located: &Located<'_, Parameter>,
    type_prefix: &str,
    taken: &mut HashSet<String>,
) -> Result<Param, Error> {
    let parameter = located.value;
    let location = match parameter.location {
        ParameterIn::Path => Location::Path,
        ParameterIn::Query => Location::Query,
        ParameterIn::QueryString => Location::QueryString,
        ParameterIn::Header => Location::Header,
        ParameterIn::Cookie => Location::Cookie,
    };
    let hint = type_name(&format!("{type_prefix} {}", parameter.name));
    let media = parameter.content.iter().next();
    if location == Location::QueryString {
        // The whole query string is this one value, written as its media type says.
        let form = media.is_some_and(|(ct, _)| {
            ct.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
        if !form {
            return Err(types.error(
                &located.pointer,
                "an `in: querystring` parameter is supported with `application/x-www-form-urlencoded` content only",
            ));
        }
    }
    let schema = parameter.schema.or_else(|| media.and_then(|(_, m)| m.schema));
    let ty = match schema {
        Some(schema) => types.usage(schema, &hint)?.ty,
        None => TypeRef::String,
    };
    // OpenAPI's defaults: `form` explodes arrays in queries and cookies, `simple` joins them with
    // commas in paths and headers.
    let joined_by = match location {
        Location::Query => match (parameter.style.as_deref(), parameter.explode) {
            (Some("spaceDelimited"), _) => Some(' '),
            (Some("pipeDelimited"), _) => Some('|'),
            (_, Some(false)) => Some(','),
            _ => None,
        },
        Location::Cookie if parameter.explode != Some(false) => None,
        Location::QueryString => None,
        _ => Some(','),
    };
    // Parameters travel as text: a `format: binary` one is a string like any other.
    let ty = if matches!(ty, TypeRef::Bytes | TypeRef::Base64) { TypeRef::String } else { ty };
    let given: Vec<serde_json::Value> = parameter
        .examples
        .iter()
        .chain(media.into_iter().flat_map(|(_, m)| &m.examples))
        .map(|e| e.value.clone())
        .collect();
    let (constraints, example) = match schema {
        Some(schema) => (types.constraints_along(schema), types.examples.value(schema, &given)),
        None => (Vec::new(), given.into_iter().next().unwrap_or_else(|| serde_json::Value::from("example"))),
    };
    Ok(Param {
        constraints,
        example,
        joined_by,
        name: unique(field_name(&parameter.name), taken, "_"),
        wire: parameter.name.clone(),
        location,
        required: parameter.required || location == Location::Path,
        ty,
        docs: located.description(parameter.description.as_deref()).map(str::to_owned),
        deprecated: parameter.deprecated,
    })
}

fn is_success(status: StatusKey) -> bool {
    matches!(status, StatusKey::Code(200..=299) | StatusKey::Range(2))
}

fn is_redirect(status: StatusKey) -> bool {
    matches!(status, StatusKey::Code(300..=399) | StatusKey::Range(3))
}

pub fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json") || essence == "*/*"
}

fn is_text(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence.starts_with("text/") || essence == "application/x-yaml" || essence == "application/yaml"
}

/// JSON when the document offers it; otherwise the first content type listed.
pub(super) fn choose_media(content: &indexmap::IndexMap<String, MediaType>) -> Option<(&str, &MediaType)> {
    content.iter().find(|(ct, _)| is_json(ct)).or_else(|| content.iter().next()).map(|(ct, media)| (ct.as_str(), media))
}

/// The media type that streams, when there is one: events, or JSON values one after another.
fn sequential_media(content: &indexmap::IndexMap<String, MediaType>) -> Option<(&str, &MediaType)> {
    content.iter().find(|(ct, _)| sequence_of(ct).is_some()).map(|(ct, media)| (ct.as_str(), media))
}

enum Sequence {
    Events,
    Values(LineFormat),
}

/// `text/event-stream`, JSON Lines and NDJSON, JSON text sequences.
fn sequence_of(content_type: &str) -> Option<Sequence> {
    match essence(content_type).as_str() {
        "text/event-stream" => Some(Sequence::Events),
        "application/jsonl"
        | "application/x-jsonlines"
        | "application/json-lines"
        | "application/x-ndjson"
        | "application/ndjson" => Some(Sequence::Values(LineFormat::Lines)),
        "application/json-seq" => Some(Sequence::Values(LineFormat::Sequence)),
        _ => None,
    }
}

fn essence(content_type: &str) -> String {
    content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

/// A request body: the media type chosen, and its payload. A body of events or lines is sent
/// as the bytes the caller gives.
fn body(
    types: &mut TypeBuilder<'_, '_>,
    located: &Located<'_, crate::load::RequestBody>,
    hint: &str,
) -> Result<Option<Body>, Error> {
    let Some((content_type, media)) = choose_media(&located.value.content) else { return Ok(None) };
    let payload = match payload(types, content_type, media, &located.pointer, hint)? {
        Payload::Events(_) | Payload::Lines(..) => Payload::Bytes,
        payload => payload,
    };
    let document_example = if matches!(payload, Payload::Json(_)) { document_example(types, media) } else { None };
    let given: Vec<serde_json::Value> = media.examples.iter().map(|e| e.value.clone()).collect();
    let example = media.schema.map(|schema| types.examples.value(schema, &given));
    Ok(Some(Body {
        example,
        payload,
        content_type: content_type.to_owned(),
        required: located.value.required,
        docs: located.description(located.value.description.as_deref()).map(str::to_owned),
        document_example,
    }))
}

/// The example a media type gives (`example`, then the first of `examples`), else its
/// schema's: for the docs, which show it as written.
fn document_example(types: &TypeBuilder<'_, '_>, media: &MediaType) -> Option<serde_json::Value> {
    media.examples.first().map(|e| e.value.clone()).or_else(|| types.schema_example(media.schema?))
}

/// A success response's example for the docs: the document's, else one assembled from its
/// schema as a request body's is ([`Body::example`]), so that every JSON response shows one.
fn response_example_of(
    types: &mut TypeBuilder<'_, '_>,
    media: &MediaType,
    status: StatusKey,
) -> Option<ResponseExample> {
    let status = status_label(status);
    if let Some(value) = document_example(types, media) {
        return Some(ResponseExample { status, value, assembled: false });
    }
    let value = types.examples.value(media.schema?, &[]);
    Some(ResponseExample { status, value, assembled: true })
}

/// `at` is the pointer of the body or response the media type belongs to.
fn payload(
    types: &mut TypeBuilder<'_, '_>,
    content_type: &str,
    media: &MediaType,
    at: &Pointer,
    hint: &str,
) -> Result<Payload, Error> {
    if let Some(sequence) = sequence_of(content_type) {
        return sequence_payload(types, sequence, media, hint);
    }
    if media.item_schema.is_some() {
        types.warnings.push(Warning::new(
            at.join("content").join(content_type).join("itemSchema"),
            format!("`itemSchema` with `{content_type}`, which is not a sequence this generator knows; the body is read whole"),
        ));
    }
    // `*/*` with nothing said about the content: any bytes, not JSON (a client asking for JSON
    // there is refused by a server that serves something else).
    let says_nothing = media.schema.is_none_or(|schema| !types.describes_anything(schema));
    if essence(content_type) == "*/*" && says_nothing {
        return Ok(Payload::Bytes);
    }
    if is_json(content_type) {
        let ty = match media.schema {
            Some(schema) => types.usage(schema, hint)?.or_null(),
            None => TypeRef::Json,
        };
        return Ok(Payload::Json(ty));
    }
    if is_text(content_type) {
        return Ok(Payload::Text);
    }
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let structured = match essence.as_str() {
        "application/x-www-form-urlencoded" => Some(Payload::Form as fn(TypeRef) -> Payload),
        "multipart/form-data" => Some(Payload::Multipart as fn(TypeRef) -> Payload),
        _ => None,
    };
    match (structured, media.schema) {
        (Some(wrap), Some(schema)) => Ok(wrap(types.usage(schema, hint)?.ty)),
        _ => Ok(Payload::Bytes),
    }
}

/// Events or JSON values arriving one by one. The type of each comes from 3.2's `itemSchema`
/// (for events: the content of its `data`), or else from `schema` (for values: the items of an
/// array).
fn sequence_payload(
    types: &mut TypeBuilder<'_, '_>,
    sequence: Sequence,
    media: &MediaType,
    hint: &str,
) -> Result<Payload, Error> {
    let hint = format!("{hint}Item");
    let item = match (&sequence, media.item_schema, media.schema) {
        (Sequence::Events, Some(item), _) => Some(types.event_data(item).unwrap_or(item)),
        (Sequence::Values(_), Some(item), _) => Some(item),
        (Sequence::Values(_), None, Some(schema)) => Some(types.array_items(schema).unwrap_or(schema)),
        (Sequence::Events, None, schema) => schema,
        (Sequence::Values(_), None, None) => None,
    };
    Ok(match (sequence, item) {
        (Sequence::Events, Some(item)) => Payload::Events(types.usage(item, &hint)?.or_null()),
        (Sequence::Events, None) => Payload::Events(TypeRef::String),
        (Sequence::Values(format), Some(item)) => Payload::Lines(types.usage(item, &hint)?.or_null(), format),
        (Sequence::Values(format), None) => Payload::Lines(TypeRef::Json, format),
    })
}

/// One payload for every success status: they agree, or the most general one that holds them all.
/// One outcome per success status when their bodies differ (`200` with a body, `204` without…)
/// and every status is an exact code.
fn outcomes(statuses: &[(String, String)], payloads: &[(Payload, Pointer)]) -> Vec<Outcome> {
    let all_same = payloads.windows(2).all(|w| w[0].0 == w[1].0);
    let codes: Option<Vec<u16>> = statuses.iter().map(|(s, _)| s.parse().ok()).collect();
    let (false, Some(codes)) = (all_same, codes) else { return Vec::new() };
    codes
        .into_iter()
        .zip(statuses.iter().zip(payloads))
        .map(|(status, ((_, description), (payload, _)))| Outcome {
            status,
            name: outcome_name(status),
            description: description.clone(),
            // An enum of outcomes is read whole: a stream in one of them is its text.
            payload: match payload {
                Payload::Events(_) | Payload::Lines(..) => Payload::Text,
                payload => payload.clone(),
            },
        })
        .collect()
}

fn outcome_name(status: u16) -> String {
    match status {
        200 => "Ok".into(),
        201 => "Created".into(),
        202 => "Accepted".into(),
        203 => "NonAuthoritative".into(),
        204 => "NoContent".into(),
        205 => "ResetContent".into(),
        206 => "PartialContent".into(),
        other => format!("Status{other}"),
    }
}

fn merge_payloads(
    payloads: Vec<(Payload, Pointer)>,
    at: &Pointer,
    warnings: &mut Vec<Warning>,
    has_outcomes: bool,
) -> Payload {
    let distinct: Vec<&Payload> =
        payloads.iter().map(|(p, _)| p).filter(|p| **p != Payload::Empty).fold(Vec::new(), |mut acc, p| {
            if !acc.contains(&p) {
                acc.push(p);
            }
            acc
        });
    match distinct.as_slice() {
        [] => Payload::Empty,
        [only] => (*only).clone(),
        several => {
            let all_json = several.iter().all(|p| matches!(p, Payload::Json(_)));
            if has_outcomes {
                return Payload::Json(TypeRef::Json);
            }
            warnings.push(Warning::fallback(
                at.join("responses"),
                "success responses have different bodies; decoded as the most general type",
            ));
            if all_json {
                Payload::Json(TypeRef::Json)
            } else {
                Payload::Bytes
            }
        }
    }
}

pub fn security_schemes(resolved: &Resolved<'_>, warnings: &mut Vec<Warning>) -> Vec<SecurityScheme> {
    let mut taken = HashSet::new();
    let mut schemes = Vec::new();
    for (name, located) in &resolved.security_schemes {
        let (kind, description) = match located.value {
            Scheme::Http { scheme, bearer_format, description } => {
                let kind = match scheme.to_ascii_lowercase().as_str() {
                    "basic" => SchemeKind::Basic,
                    "bearer" => SchemeKind::Bearer { format: bearer_format.clone() },
                    other => {
                        warnings.push(Warning::new(
                            located.pointer.clone(),
                            format!("HTTP auth scheme `{other}` is not supported; sent as a bearer token"),
                        ));
                        SchemeKind::Bearer { format: None }
                    }
                };
                (kind, description)
            }
            Scheme::ApiKey { location, name: key_name, description } => {
                let kind = match location {
                    ApiKeyIn::Header => SchemeKind::ApiKeyHeader { header: key_name.clone() },
                    ApiKeyIn::Query => SchemeKind::ApiKeyQuery { name: key_name.clone() },
                    ApiKeyIn::Cookie => SchemeKind::ApiKeyCookie { name: key_name.clone() },
                };
                (kind, description)
            }
            Scheme::OAuth2 { description, flows } => (super::oauth::scheme_kind(flows), description),
            Scheme::OpenIdConnect { description } => (SchemeKind::Bearer { format: None }, description),
            Scheme::MutualTls { .. } => {
                warnings.push(Warning::new(
                    located.pointer.clone(),
                    "mutual TLS is not a credential the client sends: give the client certificate to the `reqwest::Client` passed to `ClientBuilder::http_client`",
                ));
                continue;
            }
        };
        schemes.push(SecurityScheme {
            name: name.clone(),
            fn_name: unique(field_name(name), &mut taken, "_"),
            kind,
            description: docs(None, description.as_deref()),
        });
    }
    schemes
}

/// The webhooks, with their payload types. Each becomes an alias in the generated `webhooks`
/// module, named after the webhook (and the method, when a webhook has several).
pub fn webhooks(resolved: &Resolved<'_>, types: &mut TypeBuilder<'_, '_>) -> Result<Vec<Webhook>, Error> {
    let mut webhooks = Vec::new();
    let mut taken = HashSet::new();
    for op in &resolved.webhooks {
        let several = resolved.webhooks.iter().filter(|w| w.path == op.path).count() > 1;
        let base = if several { format!("{} {}", op.path, op.method.to_ascii_lowercase()) } else { op.path.to_owned() };
        let alias = unique(type_name(&base), &mut taken, "");
        let body = match &op.request_body {
            Some(located) => body(types, located, &type_name(&format!("{alias} Payload")))?,
            None => None,
        };
        let responses = op.responses.iter().map(|r| (status_label(r.status), r.description.to_owned())).collect();
        webhooks.push(Webhook {
            name: op.path.to_owned(),
            method: op.method.to_owned(),
            pointer: op.pointer.clone(),
            alias,
            summary: op.operation.summary.clone(),
            description: op.operation.description.clone(),
            body,
            responses,
            feature: None,
        });
    }
    Ok(webhooks)
}

#[cfg(test)]
mod tests {
    use crate::model::ir::{Location, Payload};
    use crate::model::testing::{model, refused};

    #[test]
    fn a_querystring_parameter_needs_form_content_and_comes_alone() {
        let document = |content: &str, second: &str| {
            format!(
                "openapi: 3.2.0\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      parameters:\n        - {{name: q, in: querystring, content: {{{content}: {{schema: {{type: object}}}}}}}}\n{second}      responses: {{'200': {{description: ok}}}}\n"
            )
        };
        let error = refused(&document("application/json", ""));
        assert!(
            error.contains("#/paths/~1a/get/parameters/0") && error.contains("application/x-www-form-urlencoded"),
            "{error}"
        );
        let second = "        - {name: r, in: querystring, content: {application/x-www-form-urlencoded: {}}}\n";
        let error = refused(&document("application/x-www-form-urlencoded", second));
        assert!(error.contains("#/paths/~1a/get/parameters/1") && error.contains("at most one"), "{error}");
        let api = model(&document("application/x-www-form-urlencoded", ""));
        assert_eq!(api.operations[0].params[0].location, Location::QueryString);
    }

    /// What the contract runs found: a HEAD answer has no body to decode, and `*/*` with an
    /// empty schema is bytes, not JSON (a client asking for JSON there is refused).
    #[test]
    fn head_answers_are_empty_and_any_content_is_bytes() {
        let api = model("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /b:\n    head:\n      operationId: peek\n      responses: {'200': {description: ok, content: {application/json: {schema: {type: object}}}}}\n    get:\n      operationId: download\n      responses: {default: {description: any, content: {'*/*': {schema: {}}}}}\n");
        let op = |id: &str| api.operations.iter().find(|o| o.id == id).unwrap();
        assert_eq!(op("peek").success.payload, Payload::Empty);
        assert_eq!(op("download").success.payload, Payload::Bytes);
    }

    /// Jira's: a `204` that describes a JSON body still has none; a warning says it is not read.
    #[test]
    fn no_content_answers_are_empty_whatever_they_describe() {
        let api = model("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /c:\n    put:\n      operationId: save\n      responses: {'204': {description: saved, content: {application/json: {schema: {}}}}}\n");
        assert_eq!(api.operations[0].success.payload, Payload::Empty);
        let warning = api.warnings.iter().find(|w| w.message.contains("204")).expect("a warning");
        assert_eq!(warning.pointer.as_str(), "/paths/~1c/put/responses/204/content");
    }

    /// Twilio's payload data: the only declared answer is a `307` with a body; it is the
    /// operation's result, which the runtime is told to accept.
    #[test]
    fn a_redirect_that_is_the_only_answer_is_the_result() {
        let api = model("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /d:\n    get:\n      operationId: data\n      responses: {'307': {description: here, content: {application/json: {schema: {type: object, properties: {redirect_to: {type: string}}}}}}}\n");
        let op = &api.operations[0];
        assert!(op.success.redirect_answers);
        assert_eq!(op.success.statuses.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>(), ["307"]);
        assert!(op.errors.is_empty());
    }
}
