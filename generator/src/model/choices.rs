//! The user's choices checked against the document: which operations the crate keeps, the
//! names they prefer, the derives they add, and the cargo feature each operation belongs to.
//!
//! A choice that fits nothing in the document is an error naming it (with the nearest names the
//! document has): a typo must never quietly give an empty or different crate.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::names::{feature_name, is_identifier, RUST_KEYWORDS};
use crate::diagnostics::Error;
use crate::resolve::{Resolved, ResolvedOperation};
use crate::Selection;

/// Compiles everything, tag features and types no operation reaches alike.
pub const FULL_FEATURE: &str = "full";
/// The payload types of the document's webhooks.
pub const WEBHOOKS_FEATURE: &str = "webhooks";

pub fn error(resolved: &Resolved<'_>, message: impl Into<String>) -> Error {
    Error::Options { file: resolved.document.file.clone(), message: message.into() }
}

/// Which operations and webhooks the selection keeps, by index into `resolved.operations` and
/// `resolved.webhooks`.
pub struct Selected {
    pub operations: Vec<bool>,
    pub webhooks: Vec<bool>,
}

/// How a selection or a rename may name an operation: its `operationId`, or `METHOD /path`.
/// A webhook is named by its `operationId`, `METHOD name` or its name alone.
fn matches_operation(op: &ResolvedOperation<'_>, entry: &str, webhook: bool) -> bool {
    if op.operation.operation_id.as_deref() == Some(entry) || (webhook && entry == op.path) {
        return true;
    }
    match entry.trim().split_once(char::is_whitespace) {
        Some((method, path)) => method.eq_ignore_ascii_case(op.method) && path.trim() == op.path,
        None => false,
    }
}

/// The names an operation answers to, for suggestions.
fn operation_names(op: &ResolvedOperation<'_>) -> Vec<String> {
    let mut names: Vec<String> = op.operation.operation_id.iter().cloned().collect();
    names.push(format!("{} {}", op.method.to_ascii_uppercase(), op.path));
    names
}

/// Applies the selection. Webhooks have no place in a selection by default: with no `tags` and
/// no `operations` (everything, or everything but exclusions) they are kept unless an exclusion
/// names them (by tag or name); once the user lists what they want, a webhook is kept only
/// when it is listed too (by tag or name), as an operation would be. A crate of a few chosen
/// operations should not carry every webhook payload of the API.
pub fn select(resolved: &Resolved<'_>, selection: &Selection) -> Result<Selected, Error> {
    let operations: Vec<(&ResolvedOperation<'_>, bool)> =
        resolved.operations.iter().map(|op| (op, false)).chain(resolved.webhooks.iter().map(|op| (op, true))).collect();
    let all_tags: BTreeSet<&str> =
        operations.iter().flat_map(|(op, _)| op.operation.tags.iter().map(String::as_str)).collect();

    // Every entry must fit something: a typo is an error, not an empty crate.
    for (list, what) in [(&selection.tags, "tags"), (&selection.exclude_tags, "exclude_tags")] {
        for tag in list {
            if !all_tags.contains(tag.as_str()) {
                return Err(error(
                    resolved,
                    format!(
                        "selection: {what} entry `{tag}` is the tag of no operation{}",
                        suggest(tag, all_tags.iter().copied())
                    ),
                ));
            }
        }
    }
    for (list, what) in [(&selection.operations, "operations"), (&selection.exclude_operations, "exclude_operations")] {
        for entry in list {
            if !operations.iter().any(|(op, webhook)| matches_operation(op, entry, *webhook)) {
                let names: Vec<String> = operations.iter().flat_map(|(op, _)| operation_names(op)).collect();
                return Err(error(
                    resolved,
                    format!(
                        "selection: {what} entry `{entry}` names no operation (name one by operationId or as `METHOD /path`){}",
                        suggest(entry, names.iter().map(String::as_str))
                    ),
                ));
            }
        }
    }

    let positive = !selection.tags.is_empty() || !selection.operations.is_empty();
    let keep = |op: &ResolvedOperation<'_>, webhook: bool| {
        let tagged = |list: &[String]| op.operation.tags.iter().any(|t| list.contains(t));
        let named = |list: &[String]| list.iter().any(|entry| matches_operation(op, entry, webhook));
        let included = !positive || tagged(&selection.tags) || named(&selection.operations);
        included && !tagged(&selection.exclude_tags) && !named(&selection.exclude_operations)
    };
    let selected = Selected {
        operations: resolved.operations.iter().map(|op| keep(op, false)).collect(),
        webhooks: resolved.webhooks.iter().map(|op| keep(op, true)).collect(),
    };
    let document_has_some = !operations.is_empty();
    let keeps_some = selected.operations.iter().chain(&selected.webhooks).any(|&k| k);
    if document_has_some && !keeps_some {
        return Err(error(
            resolved,
            format!(
                "the selection keeps no operation (tags {:?}, operations {:?}, excluding tags {:?} and operations {:?}): the crate would be empty",
                selection.tags, selection.operations, selection.exclude_tags, selection.exclude_operations
            ),
        ));
    }
    Ok(selected)
}

/// The method name each operation is renamed to, by index into `resolved.operations`. Every key
/// must name one operation, every value must be a method name no other operation takes.
pub fn operation_renames(
    resolved: &Resolved<'_>,
    renames: &BTreeMap<String, String>,
) -> Result<Vec<Option<String>>, Error> {
    let mut chosen: Vec<Option<String>> = vec![None; resolved.operations.len()];
    let mut keys: Vec<Option<&str>> = vec![None; resolved.operations.len()];
    for (key, value) in renames {
        let matched: Vec<usize> = resolved
            .operations
            .iter()
            .enumerate()
            .filter(|(_, op)| matches_operation(op, key, false))
            .map(|(i, _)| i)
            .collect();
        let i = match matched.as_slice() {
            [only] => *only,
            [] => {
                let names: Vec<String> = resolved.operations.iter().flat_map(operation_names).collect();
                return Err(error(
                    resolved,
                    format!(
                        "renames: operation `{key}` is not in the document (name one by operationId or as `METHOD /path`){}",
                        suggest(key, names.iter().map(String::as_str))
                    ),
                ));
            }
            _ => {
                return Err(error(
                    resolved,
                    format!("renames: operation `{key}` names {} operations; use `METHOD /path`", matched.len()),
                ))
            }
        };
        if let Some(earlier) = keys[i] {
            return Err(error(resolved, format!("renames: `{earlier}` and `{key}` rename the same operation")));
        }
        method_identifier(value)
            .map_err(|why| error(resolved, format!("renames: operation `{key}` → `{value}`: {why}")))?;
        keys[i] = Some(key);
        chosen[i] = Some(value.clone());
    }
    // A chosen name must not be the name another operation gets from the document, nor another
    // chosen one: two methods of one name do not compile, and a silent `_2` is not what was asked.
    let mut taken: BTreeMap<String, String> = BTreeMap::new();
    for (op, rename) in resolved.operations.iter().zip(&chosen) {
        if rename.is_none() {
            let id = op
                .operation
                .operation_id
                .clone()
                .unwrap_or_else(|| format!("{} {}", op.method.to_ascii_lowercase(), op.path));
            taken.entry(super::names::method_name(&id)).or_insert(operation_names(op).remove(0));
        }
    }
    for (i, rename) in chosen.iter().enumerate() {
        let Some(rename) = rename else { continue };
        let key = keys[i].unwrap_or_default();
        if let Some(other) = taken.get(rename) {
            return Err(error(
                resolved,
                format!("renames: operation `{key}` → `{rename}`: operation `{other}` already has that method name"),
            ));
        }
        taken.insert(rename.clone(), key.to_owned());
    }
    Ok(chosen)
}

/// Checks a type name chosen by the user: an identifier the generated code can declare.
pub fn type_identifier(name: &str) -> Result<(), String> {
    if !is_identifier(name) {
        return Err("not a Rust identifier (letters, digits and `_`, not starting with a digit)".into());
    }
    if RUST_KEYWORDS.contains(&name) {
        return Err("a Rust keyword".into());
    }
    Ok(())
}

fn method_identifier(name: &str) -> Result<(), String> {
    if !is_identifier(name) {
        return Err("not a Rust identifier (letters, digits and `_`, not starting with a digit)".into());
    }
    if RUST_KEYWORDS.contains(&name) {
        return Err("a Rust keyword".into());
    }
    // Each API struct has a `new` of its own.
    if name == "new" {
        return Err("`new` is the API struct's constructor".into());
    }
    Ok(())
}

/// Each extra derive must be a Rust path (`Hash`, `serde::Serialize`, `::schemars::JsonSchema`):
/// anything else would only fail later, in the generated crate.
pub fn check_derives(resolved: &Resolved<'_>, derives: &[String]) -> Result<(), Error> {
    let mut seen = HashSet::new();
    for derive in derives {
        let path = derive.trim();
        let segments: Vec<&str> = path.strip_prefix("::").unwrap_or(path).split("::").collect();
        let valid = !path.is_empty() && segments.iter().all(|s| is_identifier(s) && !RUST_KEYWORDS.contains(s));
        if !valid {
            return Err(error(
                resolved,
                format!("extra derive `{derive}` is not a Rust path such as `Hash` or `serde::Serialize`"),
            ));
        }
        if !seen.insert(path) {
            return Err(error(resolved, format!("extra derive `{derive}` is listed twice")));
        }
    }
    Ok(())
}

/// The cargo feature of each operation (by index into `resolved.operations`): its first tag, or
/// for an operation without tags the first segment of its path that not every untagged path
/// shares (`/api/v1/users/{id}` → `users`). Names are kebab-case and distinct: tags that
/// spell the same (`Job Secret`, `job-secret`) get `-2`; `default` and `full` (cargo's and ours)
/// and `webhooks` (when the document has some) get `-api`.
pub fn operation_features(resolved: &Resolved<'_>) -> Vec<String> {
    let words = |path: &str| -> Vec<String> {
        path.split('/').filter(|s| !s.is_empty() && !s.starts_with('{')).map(str::to_owned).collect()
    };
    let untagged: Vec<Vec<String>> =
        resolved.operations.iter().filter(|op| op.operation.tags.is_empty()).map(|op| words(op.path)).collect();
    let shared = match untagged.split_first() {
        Some((first, rest)) if !rest.is_empty() => {
            (0..first.len()).take_while(|&i| rest.iter().all(|w| w.get(i) == first.get(i))).count()
        }
        _ => 0,
    };
    let labels: Vec<String> = resolved
        .operations
        .iter()
        .map(|op| match op.operation.tags.first() {
            Some(tag) => tag.clone(),
            None => {
                let words = words(op.path);
                words.get(shared).or(words.last()).cloned().unwrap_or_else(|| "root".to_owned())
            }
        })
        .collect();
    let mut reserved: Vec<&str> = vec!["default", FULL_FEATURE];
    if !resolved.webhooks.is_empty() {
        reserved.push(WEBHOOKS_FEATURE);
    }
    // Labels in the order the document declares its tags, then as operations use them.
    let mut order: Vec<&str> =
        resolved.document.tags.iter().map(|t| t.name.as_str()).filter(|t| labels.iter().any(|l| l == t)).collect();
    for label in &labels {
        if !order.contains(&label.as_str()) {
            order.push(label);
        }
    }
    let mut taken: HashSet<String> = reserved.iter().map(|s| s.to_string()).collect();
    let mut names: BTreeMap<&str, String> = BTreeMap::new();
    for label in order {
        let mut base = feature_name(label);
        if reserved.contains(&base.as_str()) {
            base.push_str("-api");
        }
        names.insert(label, super::names::unique(base, &mut taken, "-"));
    }
    labels.iter().map(|label| names[label.as_str()].clone()).collect()
}

/// ` (nearest: `a`, `b`)` when some candidates are close to `wanted`, or nothing.
pub fn suggest<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    let wanted_lower = wanted.to_lowercase();
    let mut scored: Vec<(usize, &str)> = candidates
        .map(|c| {
            let lower = c.to_lowercase();
            // Containing what was asked counts as close: `secret` for `Job Secret`.
            let distance = if lower.contains(&wanted_lower) || wanted_lower.contains(&lower) {
                lower.len().abs_diff(wanted_lower.len()).min(2)
            } else {
                edit_distance(&wanted_lower, &lower)
            };
            (distance, c)
        })
        .filter(|(d, _)| *d <= (wanted.chars().count() / 3).max(2))
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    let nearest: Vec<String> = scored.iter().take(3).map(|(_, c)| format!("`{c}`")).collect();
    if nearest.is_empty() {
        String::new()
    } else {
        format!(" (nearest: {})", nearest.join(", "))
    }
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_and_suggestions() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "ab"), 2);
        assert_eq!(
            suggest("Jb Secret", ["Job Secret", "Project Secret", "Other"].into_iter()),
            " (nearest: `Job Secret`)"
        );
        assert_eq!(suggest("zzzzzz", ["Job Secret"].into_iter()), "");
    }

    #[test]
    fn features_come_from_first_tags_or_paths_and_never_clash() {
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\ntags: [{name: default}, {name: Job Secret}, {name: job-secret}]\npaths:\n  /api/v1/users/{id}: {get: {responses: {'200': {description: ok}}}}\n  /api/v1/teams: {get: {responses: {'200': {description: ok}}}}\n  /a: {get: {tags: [default, other], responses: {'200': {description: ok}}}}\n  /b: {get: {tags: [Job Secret], responses: {'200': {description: ok}}}}\n  /c: {get: {tags: [job-secret], responses: {'200': {description: ok}}}}\n  /d: {get: {tags: [full], responses: {'200': {description: ok}}}}\n";
        let document = crate::load::parse(std::path::Path::new("t.yaml"), yaml).unwrap();
        let resolved = crate::resolve::resolve(&document).unwrap();
        assert_eq!(
            operation_features(&resolved),
            ["users", "teams", "default-api", "job-secret", "job-secret-2", "full-api"]
        );
    }

    #[test]
    fn identifiers() {
        assert!(type_identifier("Secret2").is_ok());
        assert!(type_identifier("2Secret").is_err());
        assert!(type_identifier("type").is_err());
        assert!(type_identifier("a-b").is_err());
        assert!(method_identifier("new").is_err());
        assert!(method_identifier("list_all").is_ok());
    }
}
