//! The rustdoc of an operation's method, in rustdoc's conventional sections, which are also
//! what the API's own reference pages show per operation: what it does (summary, `METHOD
//! /path`, the document's description), then `# Parameters`, `# Returns`, `# Errors`,
//! `# Authentication`, `# Example` (a compiled `no_run` doctest) and `# Request and response
//! bodies` (the JSON the document gives, or JSON assembled from the schema). The headings keep
//! the document's own Markdown (its lists, its paragraphs) from running into what the generator
//! adds.

use super::docs::{clean, code, constraints_text, inline};
use super::examples::{client_expression, example_call};
use super::rust::type_text;
use super::signature::{location_name, BodyArg, BodyPassing, OutcomeEnum, Signature};
use crate::model::{Api, Group, Operation, Param, Payload, SchemeKind, TypeRef};

/// The most of a document's example shown, in lines of pretty-printed JSON and in bytes: some
/// documents give whole pages of records, and the docs should stay readable. Past either, the
/// first lines are shown and the heading says how many there are.
const EXAMPLE_MAX_LINES: usize = 40;
const EXAMPLE_MAX_BYTES: usize = 2500;

/// The docs of `op`'s method. `krate`: the crate's name in Rust, for the example.
pub(super) fn method_docs(api: &Api, group: &Group, signature: &Signature, krate: &str) -> String {
    let op = signature.op;
    let mut sections = Vec::new();
    let summary = op.summary.as_deref().map(str::trim).filter(|s| !s.is_empty());
    sections.extend(summary.map(inline));
    sections.push(format!("{} (operation {})", code(&format!("{} {}", op.method, op.path)), code(&op.id)));
    if let Some(description) = op.description.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        if Some(description) != summary {
            sections.push(clean(description));
        }
    }
    if let Some(parameters) = parameters(signature) {
        sections.push(format!("# Parameters\n\n{parameters}"));
    }
    sections.push(format!("# Returns\n\n{}", returns(signature)));
    if let Some(headers) = response_headers(op) {
        sections.push(format!("# Response headers\n\n{headers}"));
    }
    sections.push(format!("# Errors\n\n{}", errors(op)));
    if let Some(auth) = authentication(api, op) {
        sections.push(format!("# Authentication\n\n{auth}"));
    }
    sections.push(format!("# Example\n\n{}", example(api, group, op, krate)));
    if let Some(bodies) = bodies(op) {
        sections.push(format!("# Request and response bodies\n\n{bodies}"));
    }
    sections.join("\n\n")
}

/// Docs of a stream method: what it returns, and the plain method for the rest.
pub(super) fn stream_docs(op: &Operation, payload: &Payload) -> String {
    let what = match payload {
        Payload::Bytes => "the response body as a stream of bytes, read as it arrives ([`apigen_runtime::ByteStream`]: never held whole in memory)".to_owned(),
        other => format!("the response as {}", payload_text(other)),
    };
    let mut text = format!("[`{}`](Self::{}), returning {what}.", op.fn_name, op.fn_name);
    if let Some(flag) = op.stream.as_ref().and_then(|m| m.flag.as_deref()) {
        text.push_str(&format!(" It sends the body with `\"{flag}\": true`, which asks for the stream."));
    }
    text
}

/// Each argument of the method, in order: positional parameters, the body, then the options
/// struct with the optional parameters it holds. `None` when the method takes none.
fn parameters(signature: &Signature) -> Option<String> {
    let mut items: Vec<String> =
        signature.positional.iter().map(|arg| format!("- {}", param_item(arg.param))).collect();
    if let Some(BodyArg { body, passing }) = &signature.body {
        let what = match passing {
            BodyPassing::Upload => "bytes from memory, a file or a stream ([`apigen_runtime::Upload`])".to_owned(),
            BodyPassing::Reference(_) | BodyPassing::Text => payload_text(&body.payload),
        };
        let required = if body.required { "required" } else { "optional: `None` sends no body" };
        let mut item = format!("- `body` ({what}, sent as {}, {required})", code(&body.content_type));
        if let Some(docs) = body.docs.as_deref().map(inline).filter(|d| !d.is_empty()) {
            item.push_str(&format!(": {docs}"));
        }
        items.push(item);
    }
    if let Some(options) = &signature.options {
        items.push(format!("- `options` ([`{}`]), the optional parameters, each `None` by default:", options.name));
        items.extend(options.fields.iter().map(|p| format!("  - {}", param_item(p))));
    }
    if let Some(header) = &signature.op.idempotency_header {
        items.push(format!(
            "\nThe {} header is an idempotency key: when none is given the client sends a random one, and every retry sends the same key, so this operation is retried as idempotent methods are.",
            code(header)
        ));
    }
    (!items.is_empty()).then(|| items.join("\n"))
}

/// The headers the success responses declare, each with the type it parses as and how to read
/// it (`.with_meta()` gives the body with its headers). `None` when none is declared.
fn response_headers(op: &Operation) -> Option<String> {
    let first = op.success.headers.first()?;
    let mut text = format!(
        "Read with [`.with_meta()`](crate::WithMeta), which returns the body with its status and headers: `response.header::<{}>({:?})`.\n",
        type_text(&first.ty),
        first.wire
    );
    for header in &op.success.headers {
        text.push_str(&format!("\n- {} (`{}`)", code(&header.wire), type_text(&header.ty)));
        if let Some(docs) = header.docs.as_deref().map(inline).filter(|d| !d.is_empty()) {
            text.push_str(&format!(": {docs}"));
        }
    }
    Some(text)
}

/// `` `job_id` (`uuid::Uuid`, path `jobId`): Job ID (format `uuid`) ``.
fn param_item(p: &Param) -> String {
    let mut item = format!("`{}` ({}, {} {})", p.name, type_link(&p.ty), location_name(p), code(&p.wire));
    if let Some(docs) = p.docs.as_deref().map(inline).filter(|d| !d.is_empty()) {
        item.push_str(&format!(": {docs}"));
    }
    if let Some(constraints) = constraints_text(&p.constraints) {
        item.push_str(&format!(" ({constraints})"));
    }
    if p.deprecated {
        item.push_str(" Deprecated.");
    }
    item
}

/// The success value and the statuses it comes with.
fn returns(signature: &Signature) -> String {
    let op = signature.op;
    let mut text = if let Some(OutcomeEnum { name: outcome, outcomes }) = &signature.outcome {
        let variants: Vec<String> = outcomes
            .iter()
            .map(|o| {
                let body = match &o.payload {
                    Payload::Empty => String::new(),
                    payload => format!(", with {}", payload_text(payload)),
                };
                format!("- `{}` ([`{outcome}::{}`]{body}): {}", o.status, o.name, inline(&o.description))
            })
            .collect();
        format!("[`{outcome}`], one variant per success status:\n\n{}", variants.join("\n"))
    } else {
        let what = match &op.success.payload {
            Payload::Empty => "`()`: no body".to_owned(),
            payload => payload_text(payload),
        };
        let what = capitalized(&what);
        match op.success.statuses.as_slice() {
            [] => format!("{what}."),
            [(status, description)] => format!("{what}, with status `{status}`: {}", inline(description)),
            several => {
                let statuses: Vec<String> = several
                    .iter()
                    .map(|(status, description)| format!("- `{status}`: {}", inline(description)))
                    .collect();
                format!("{what}, with any of these statuses:\n\n{}", statuses.join("\n"))
            }
        }
    };
    if let Some(stream) = &op.stream {
        text.push_str(&format!("\n\nThe same response as a stream: [`{}`](Self::{}).", stream.fn_name, stream.fn_name));
    }
    text
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

/// The error statuses the document declares, as a table, and how they surface.
fn errors(op: &Operation) -> String {
    let surface = "[`Error::Status`](crate::Error::Status)";
    if op.errors.is_empty() {
        return format!(
            "The document declares no error status: any status that is not a success is an {surface}, \
             with the status, headers and body."
        );
    }
    let typed = op.errors.iter().any(|e| e.ty.is_some());
    let mut table = if typed {
        "| Status | Meaning | Body |\n| --- | --- | --- |\n".to_owned()
    } else {
        "| Status | Meaning |\n| --- | --- |\n".to_owned()
    };
    for error in &op.errors {
        let status = error.status.map_or("any other (`default`)".to_owned(), |s| format!("`{s}`"));
        let meaning = inline(&error.description).replace('|', "\\|");
        match (&error.ty, typed) {
            (Some(ty), _) => {
                table.push_str(&format!("| {status} | {meaning} | {} |\n", type_link(ty).replace('|', "\\|")))
            }
            (None, true) => table.push_str(&format!("| {status} | {meaning} | |\n")),
            (None, false) => table.push_str(&format!("| {status} | {meaning} |\n")),
        }
    }
    let body = if typed { ", its body decoded as the type listed when there is one" } else { "" };
    format!(
        "{table}\nEach, and any other status that is not a success, is an {surface}{body}; a success body \
         that does not decode is an [`Error::Decode`](crate::Error::Decode)."
    )
}

/// The credentials the operation needs: shown on every operation, as the API's reference
/// pages do, and not only where it differs from the document's default. `None` for a
/// document without security.
fn authentication(api: &Api, op: &Operation) -> Option<String> {
    if op.security.is_empty() {
        return (!api.security.is_empty() || !api.security_schemes.is_empty())
            .then(|| "None: the request is sent without credentials.".to_owned());
    }
    let describe = |scheme: &String| match api.security_schemes.iter().find(|s| &s.name == scheme) {
        Some(s) => {
            let how = match &s.kind {
                SchemeKind::Bearer { .. } => "a bearer token".to_owned(),
                SchemeKind::Basic => "a user and password".to_owned(),
                SchemeKind::ApiKeyHeader { header } => format!("an API key in the {} header", code(header)),
                SchemeKind::ApiKeyQuery { name } => format!("an API key in the {} query parameter", code(name)),
                SchemeKind::ApiKeyCookie { name } => format!("an API key in the {} cookie", code(name)),
                SchemeKind::OAuth2 { .. } => "an OAuth2 access token, or the flow that fetches one".to_owned(),
            };
            format!("{} ([`auth::{}`](crate::auth::{}): {how})", code(scheme), s.fn_name, s.fn_name)
        }
        None => format!("{} (a scheme the document does not declare)", code(scheme)),
    };
    let alternatives: Vec<String> = op
        .security
        .iter()
        .map(|schemes| match schemes.as_slice() {
            [] => "none: no credentials".to_owned(),
            schemes => schemes.iter().map(describe).collect::<Vec<_>>().join(" and "),
        })
        .collect();
    // The runtime sends the first alternative the client has every credential for.
    let mut text = match alternatives.as_slice() {
        [_] if op.security[0].is_empty() => "None: the request is sent without credentials.".to_owned(),
        [one] => format!("{one}."),
        several => format!(
            "The first of these that the client has credentials for:\n\n{}",
            several.iter().map(|a| format!("- {a}")).collect::<Vec<_>>().join("\n")
        ),
    };
    if op.security == api.security {
        text.push_str("\n\nThis is the document's default ([`SECURITY`](crate::SECURITY)).");
    }
    if !op.scopes.is_empty() {
        let scopes: Vec<String> = op.scopes.iter().map(|s| code(s)).collect();
        text.push_str(&format!(
            "\n\nOAuth2 scopes: {} (an OAuth2 flow asks for a token with them).",
            scopes.join(", ")
        ));
    }
    Some(text)
}

/// A `no_run` doctest calling the operation (compiled by `cargo test`, never sent).
fn example(api: &Api, group: &Group, op: &Operation, krate: &str) -> String {
    let mut text = String::from("```no_run\n# async fn example() -> Result<(), Box<dyn std::error::Error>> {\n");
    text.push_str(&format!("let client = {};\n", client_expression(api, op, krate)));
    let (setup, call) = example_call(api, group, op, krate);
    for line in setup {
        text.push_str(&line);
        text.push('\n');
    }
    if op.success.outcomes.is_empty() && op.success.payload == Payload::Empty {
        text.push_str(&format!("{call}.await?;\n"));
    } else {
        text.push_str(&format!("let response = {call}.await?;\nprintln!(\"{{response:?}}\");\n"));
    }
    text.push_str("# Ok(())\n# }\n```");
    text
}

/// The JSON of the request and response bodies: the document's example, else one assembled from
/// the schema (the one the model also uses for example calls, which the generated types decode:
/// `cargo xtask examples` checks it). `None` when neither body is JSON.
fn bodies(op: &Operation) -> Option<String> {
    let mut blocks = Vec::new();
    if let Some(body) = op.body.as_ref().filter(|b| matches!(b.payload, Payload::Json(_))) {
        let shown = match (&body.document_example, &body.example) {
            (Some(value), _) => Some((value, "")),
            (None, Some(value)) => Some((value, ASSEMBLED)),
            (None, None) => None,
        };
        if let Some((value, how)) = shown {
            blocks.push(json_block(&format!("Request body example ({}{how})", code(&body.content_type)), value));
        }
    }
    if let Some(response) = &op.success.document_example {
        let how = if response.assembled { ASSEMBLED } else { "" };
        blocks.push(json_block(&format!("Response example (`{}`{how})", response.status), &response.value));
    }
    (!blocks.is_empty()).then(|| blocks.join("\n\n"))
}

/// How the docs label JSON the document does not give whole: the API's reference pages show
/// such bodies too, built from the required members' examples, defaults and first enum values.
const ASSEMBLED: &str = ", assembled from the schema";

/// The document's example as pretty-printed JSON, cut to the first lines when long.
fn json_block(title: &str, value: &serde_json::Value) -> String {
    let pretty = serde_json::to_string_pretty(value).unwrap_or_default();
    let total = pretty.lines().count();
    let mut shown = Vec::new();
    let mut bytes = 0;
    for line in pretty.lines() {
        if shown.len() == EXAMPLE_MAX_LINES || bytes + line.len() > EXAMPLE_MAX_BYTES {
            break;
        }
        bytes += line.len() + 1;
        shown.push(line);
    }
    if shown.is_empty() {
        return format!("{title}: {} bytes of JSON, too long to show here.", pretty.len());
    }
    let (note, rest) = if shown.len() < total {
        (format!(", the first {} of {total} lines", shown.len()), "\n…")
    } else {
        (String::new(), "")
    };
    // A fence longer than any run of backticks in the text, so that none closes it.
    let longest = pretty.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{title}{note}:\n\n{fence}json\n{}{rest}\n{fence}", shown.join("\n"))
}

/// A type in docs, linked when it is a generated one. The link is explicit: not every module
/// imports `types` (and where one does, rustdoc calls `[`types::Pet`]` with a target redundant).
fn type_link(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => format!("[`{name}`](crate::types::{name})"),
        TypeRef::List(item) => format!("list of {}", type_link(item)),
        TypeRef::Map(value) => format!("map of {}", type_link(value)),
        other => format!("`{}`", type_text(other)),
    }
}

fn payload_text(payload: &Payload) -> String {
    match payload {
        Payload::Empty => "no body".to_owned(),
        Payload::Json(ty) => type_link(ty),
        Payload::Text => "text (`String`)".to_owned(),
        Payload::Bytes => "bytes ([`apigen_runtime::Bytes`])".to_owned(),
        Payload::Form(ty) => format!("form fields of {}", type_link(ty)),
        Payload::Multipart(ty) => format!("multipart parts of {}", type_link(ty)),
        Payload::Events(ty) => format!("Server-Sent Events of {} ([`apigen_runtime::EventStream`])", type_link(ty)),
        Payload::Lines(ty, _) => format!("a stream of {} values ([`apigen_runtime::LineStream`])", type_link(ty)),
    }
}
