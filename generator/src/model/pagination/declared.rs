//! Pagination someone declared: the user in `apigen.toml` (`[pagination]`), or the document in a
//! vendor extension. A user's entry that names a parameter or field the operation does not have
//! is an error naming it; an extension that does is the document's mistake, a warning, and the
//! operation is left to the conventions.

use std::collections::HashMap;

use serde_json::Value;

use super::{conventions, Decided, FieldPath, Page, PageStyle, PagingRule, PagingStyle};
use crate::diagnostics::{Error, Warning};
use crate::model::choices;
use crate::resolve::{Resolved, ResolvedOperation};

/// Which rule applies to which operation (by index into `resolved.operations`). Every rule must
/// match an operation, and no operation may be matched by two rules.
pub(super) fn match_rules<'r>(
    resolved: &Resolved<'_>,
    rules: &'r [PagingRule],
) -> Result<HashMap<usize, &'r PagingRule>, Error> {
    let mut matched: HashMap<usize, &PagingRule> = HashMap::new();
    for rule in rules {
        let mut any = false;
        for (index, op) in resolved.operations.iter().enumerate() {
            if !names_operation(op, &rule.operations) {
                continue;
            }
            any = true;
            if let Some(other) = matched.insert(index, rule) {
                return Err(choices::error(
                    resolved,
                    format!(
                        "pagination: entries `{}` and `{}` both name operation `{}`; keep one",
                        other.operations,
                        rule.operations,
                        display_name(op)
                    ),
                ));
            }
        }
        if !any {
            let names: Vec<String> = resolved.operations.iter().map(display_name).collect();
            return Err(choices::error(
                resolved,
                format!(
                    "pagination: entry `{}` names no operation{}",
                    rule.operations,
                    choices::suggest(&rule.operations, names.iter().map(String::as_str))
                ),
            ));
        }
    }
    Ok(matched)
}

fn display_name(op: &ResolvedOperation<'_>) -> String {
    op.operation.operation_id.clone().unwrap_or_else(|| format!("{} {}", op.method.to_ascii_uppercase(), op.path))
}

/// Whether `pattern` (an `operationId` or `METHOD /path`, `*` any run of characters) names `op`.
fn names_operation(op: &ResolvedOperation<'_>, pattern: &str) -> bool {
    let by_route = format!("{} {}", op.method.to_ascii_uppercase(), op.path);
    let route_pattern = match pattern.trim().split_once(char::is_whitespace) {
        Some((method, path)) => format!("{} {}", method.to_ascii_uppercase(), path.trim()),
        None => pattern.to_owned(),
    };
    op.operation.operation_id.as_deref().is_some_and(|id| glob(pattern, id)) || glob(&route_pattern, &by_route)
}

/// `*` matches any run of characters; everything else itself.
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => {
            let Some(rest) = text.strip_prefix(head) else { return false };
            (0..=rest.len()).filter(|&i| rest.is_char_boundary(i)).any(|i| glob(tail, &rest[i..]))
        }
    }
}

/// What a user's rule gives the operation (`None` for style `none`). Every parameter and field
/// it names must exist.
pub(super) fn rule(resolved: &Resolved<'_>, rule: &PagingRule, page: &Page<'_>) -> Result<Option<Decided>, Error> {
    let fail = |what: String| {
        choices::error(resolved, format!("pagination: entry `{}`: operation `{}`: {what}", rule.operations, page.op.id))
    };
    let param = |name: &Option<String>, key: &str| -> Result<String, Error> {
        let name = name.as_ref().ok_or_else(|| fail(format!("style needs `{key}`")))?;
        match page.query(name) {
            Some(param) => Ok(param.wire.clone()),
            None => Err(fail(format!(
                "`{key} = \"{name}\"`: no query parameter `{name}` (it has: {})",
                listed(&page.query_names())
            ))),
        }
    };
    let field = |path: &str, key: &str| -> Result<FieldPath, Error> {
        let wires: Vec<&str> = path.split('.').collect();
        page.path(&wires).map_err(|why| fail(format!("`{key} = \"{path}\"`: {why}")))
    };
    let style = match rule.style {
        PagingStyle::None => return Ok(None),
        PagingStyle::Cursor => {
            let next = rule.next.as_deref().ok_or_else(|| fail("style `cursor` needs `next`".into()))?;
            PageStyle::Cursor {
                param: param(&rule.param, "param")?,
                cursor: field(next, "next")?,
                first_only: Vec::new(),
            }
        }
        PagingStyle::NextUrl => {
            let next = rule.next.as_deref().ok_or_else(|| fail("style `next-url` needs `next`".into()))?;
            PageStyle::NextUrl { next: field(next, "next")? }
        }
        PagingStyle::LinkHeader => PageStyle::LinkHeader,
        PagingStyle::Offset | PagingStyle::Page => {
            let counted = param(&rule.param, "param")?;
            let size = match &rule.size {
                Some(_) => Some(param(&rule.size, "size")?),
                None => None,
            };
            let end = conventions::end_of(page);
            match rule.style {
                PagingStyle::Offset => PageStyle::Offset { param: counted, size, end },
                _ => PageStyle::PageNumber { param: counted, first: 1, size, end },
            }
        }
    };
    let items = match &rule.items {
        Some(path) => page.items_at(field(path, "items")?),
        None => page.only_items(),
    };
    let (items, item) = items.map_err(|why| fail(format!("the items: {why}")))?;
    Ok(Some((style, items, item, "apigen.toml".to_owned())))
}

fn listed(names: &[&str]) -> String {
    if names.is_empty() {
        return "none".into();
    }
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// The extensions read, in order of preference.
const EXTENSIONS: [&str; 4] = ["x-dropshot-pagination", "x-fern-pagination", "x-speakeasy-pagination", "x-pagination"];

/// What the first pagination extension of the operation declares. One that names what the
/// operation lacks is a warning, and gives nothing.
pub(super) fn extension(page: &Page<'_>, warnings: &mut Vec<Warning>) -> Option<Decided> {
    let (name, value) =
        EXTENSIONS.iter().find_map(|name| page.source.operation.extensions.get(*name).map(|value| (*name, value)))?;
    let read = match name {
        "x-dropshot-pagination" => dropshot(page, value),
        "x-speakeasy-pagination" => speakeasy(page, value),
        _ => fern(page, value),
    };
    match read {
        Ok((style, (items, item))) => Some((style, items, item, name.to_owned())),
        Err(why) => {
            warnings.push(Warning::new(
                page.source.pointer.join(name),
                format!("{why}; the operation is not paginated by it"),
            ));
            None
        }
    }
}

type Read = Result<(PageStyle, (FieldPath, crate::model::ir::TypeRef)), String>;

/// Dropshot's pages: `page_token` answered by `next_page`, the items in `items`. Its `required`
/// lists the parameters every page needs besides the token and `limit`; the others are scan
/// parameters (`sort_by`), which the token carries and the next pages leave out, as Dropshot's
/// own clients do.
fn dropshot(page: &Page<'_>, value: &Value) -> Read {
    let param = page.query("page_token").ok_or("no query parameter `page_token`")?;
    let cursor = page.path(&["next_page"])?;
    let items = page.items_at(page.path(&["items"])?)?;
    let required: Vec<&str> =
        value.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    let first_only = page
        .query_names()
        .into_iter()
        .filter(|name| !["page_token", "limit"].contains(name) && !required.contains(name))
        .map(str::to_owned)
        .collect();
    Ok((PageStyle::Cursor { param: param.wire.clone(), cursor, first_only }, items))
}

/// Fern's (and the generic `x-pagination`): `cursor`/`next_cursor`, `offset` (with `step`,
/// `has-next-page`), or `next_uri`; `results` says where the items are.
fn fern(page: &Page<'_>, value: &Value) -> Read {
    let text = |key: &str| value.get(key).and_then(Value::as_str);
    let items = match text("results") {
        Some(results) => page.items_at(page.path(&expression(results))?)?,
        None => page.only_items()?,
    };
    if let (Some(cursor), Some(next)) = (text("cursor"), text("next_cursor")) {
        let param = request_param(page, cursor)?;
        return Ok((PageStyle::Cursor { param, cursor: page.path(&expression(next))?, first_only: Vec::new() }, items));
    }
    if let Some(next) = text("next_uri").or(text("next")) {
        return Ok((PageStyle::NextUrl { next: page.path(&expression(next))? }, items));
    }
    if let Some(offset) = text("offset") {
        let param = request_param(page, offset)?;
        let mut end = conventions::end_of(page);
        if let Some(has_next) = text("has-next-page").or(text("has_next_page")) {
            end.last = Some((page.path(&expression(has_next))?, false));
        }
        // With a `step` the parameter is an offset advanced by it; without, a page index.
        return Ok(match text("step") {
            Some(step) => {
                let size = Some(request_param(page, step)?);
                (PageStyle::Offset { param, size, end }, items)
            }
            None => (PageStyle::PageNumber { param, first: 1, size: None, end }, items),
        });
    }
    Err("neither `cursor` with `next_cursor`, `offset` nor `next_uri` is declared".into())
}

/// Speakeasy's: `type` (`cursor`, `offsetLimit`, `url`), `inputs` naming the parameters by
/// role, `outputs` the fields.
fn speakeasy(page: &Page<'_>, value: &Value) -> Read {
    let outputs = value.get("outputs");
    let output = |key: &str| outputs.and_then(|o| o.get(key)).and_then(Value::as_str);
    let items = match output("results") {
        Some(results) => page.items_at(page.path(&expression(results))?)?,
        None => page.only_items()?,
    };
    let input = |role: &str| -> Option<String> {
        value.get("inputs")?.as_array()?.iter().find_map(|input| {
            (input.get("type")?.as_str()? == role).then(|| input.get("name")?.as_str().map(str::to_owned))?
        })
    };
    let param = |role: &str| -> Result<String, String> {
        let name = input(role).ok_or_else(|| format!("no input of type `{role}`"))?;
        page.query(&name).map(|p| p.wire.clone()).ok_or_else(|| format!("no query parameter `{name}`"))
    };
    match value.get("type").and_then(Value::as_str) {
        Some("cursor") => {
            let next = output("nextCursor").ok_or("no `outputs.nextCursor`")?;
            Ok((
                PageStyle::Cursor {
                    param: param("cursor")?,
                    cursor: page.path(&expression(next))?,
                    first_only: Vec::new(),
                },
                items,
            ))
        }
        Some("url") => {
            let next = output("nextUrl").ok_or("no `outputs.nextUrl`")?;
            Ok((PageStyle::NextUrl { next: page.path(&expression(next))? }, items))
        }
        Some("offsetLimit") => {
            let size = param("limit").ok();
            let end = conventions::end_of(page);
            match (param("offset"), param("page")) {
                (Ok(offset), _) => Ok((PageStyle::Offset { param: offset, size, end }, items)),
                (_, Ok(number)) => Ok((PageStyle::PageNumber { param: number, first: 1, size, end }, items)),
                (Err(why), Err(_)) => Err(why),
            }
        }
        other => Err(format!("type {other:?} is not one of `cursor`, `offsetLimit`, `url`")),
    }
}

/// The query parameter a `$request.name` expression names.
fn request_param(page: &Page<'_>, expression_text: &str) -> Result<String, String> {
    let name = expression_text
        .trim()
        .strip_prefix("$request.query.")
        .or_else(|| expression_text.trim().strip_prefix("$request."))
        .unwrap_or(expression_text.trim());
    page.query(name).map(|p| p.wire.clone()).ok_or_else(|| format!("no query parameter `{name}`"))
}

/// The fields of a response expression: `$response.meta.next`, `$.data`, `$response.body#/a/b`.
fn expression(text: &str) -> Vec<&str> {
    let text = text.trim();
    if let Some(pointer) = text.strip_prefix("$response.body#/") {
        return pointer.split('/').collect();
    }
    let rest =
        ["$response.body.", "$response.", "$."].iter().find_map(|prefix| text.strip_prefix(prefix)).unwrap_or(text);
    rest.split('.').collect()
}
