//! OpenAPI Overlay 1.0 and 1.1: ordered actions, each selecting nodes of the document with an
//! RFC 9535 JSONPath `target` and changing them: `update` (merged in), `remove: true`, or 1.1's
//! `copy` (a value taken from elsewhere in the document and merged in like an update).
//!
//! An overlay changes the root file's tree as parsed, before anything reads it as OpenAPI, so
//! it can fix a document the reader would refuse. JSONPath is the `serde_json_path` crate's:
//! RFC 9535 to the letter (filters, functions, normalized paths of every node selected), which
//! a hand-written subset would not be.

use std::path::Path;

use serde_json::{Map, Value};
use serde_json_path::{JsonPath, PathElement};

use super::tree::read_value;
use crate::diagnostics::{Error, Warning};
use crate::pointer::Pointer;

type Result<T> = std::result::Result<T, Error>;

/// Reads the overlay at `path`, checks it, and applies its actions in order to `document`.
pub(super) fn apply(path: &Path, document: &mut Value, warnings: &mut Vec<Warning>) -> Result<()> {
    let overlay = read_value(path)?;
    apply_value(path, &overlay, document, warnings)
}

/// Checks the overlay tree `overlay` (named `path` in messages) and applies its actions in
/// order to `document`.
pub(super) fn apply_value(
    path: &Path,
    overlay: &Value,
    document: &mut Value,
    warnings: &mut Vec<Warning>,
) -> Result<()> {
    let actions = read(path, overlay, warnings)?;
    for action in &actions {
        action.apply(path, document, warnings)?;
    }
    Ok(())
}

struct Action<'o> {
    /// `#/actions/N`
    at: Pointer,
    target: JsonPath,
    target_text: &'o str,
    change: Change<'o>,
}

enum Change<'o> {
    Update(&'o Value),
    Remove,
    Copy(JsonPath),
    Nothing,
}

fn invalid(path: &Path, at: &Pointer, message: impl Into<String>) -> Error {
    Error::Invalid { file: path.to_owned(), pointer: at.clone(), message: message.into() }
}

fn warn(path: &Path, at: &Pointer, message: impl Into<String>, warnings: &mut Vec<Warning>) {
    warnings.push(Warning::new(at.clone().in_file(path), message));
}

/// A text field of the overlay; numbers are taken as their text (`version: 1.0` in YAML).
fn text(path: &Path, map: &Map<String, Value>, key: &str, at: &Pointer, required: bool) -> Result<Option<String>> {
    match map.get(key) {
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) if key != "overlay" => Ok(Some(n.to_string())),
        None if !required => Ok(None),
        None => Err(invalid(path, at, format!("missing `{key}`"))),
        Some(other) => Err(invalid(path, &at.join(key), format!("`{key}` must be a string, not `{}`", short(other)))),
    }
}

/// The version, the info and the actions, checked; what is ignored is a warning.
fn read<'o>(path: &Path, overlay: &'o Value, warnings: &mut Vec<Warning>) -> Result<Vec<Action<'o>>> {
    let root = Pointer::root();
    let Value::Object(map) = overlay else {
        return Err(invalid(path, &root, "an overlay must be a mapping with `overlay`, `info` and `actions`"));
    };
    let minor = match map.get("overlay") {
        Some(Value::String(version)) => {
            let parts: Vec<&str> = version.split('.').collect();
            match parts.as_slice() {
                ["1", minor @ ("0" | "1"), patch] if !patch.is_empty() && patch.chars().all(|c| c.is_ascii_digit()) => {
                    if *minor == "0" {
                        0
                    } else {
                        1
                    }
                }
                _ => {
                    return Err(invalid(
                        path,
                        &root.join("overlay"),
                        format!("Overlay {version} is not supported; this generator applies Overlay 1.0.x and 1.1.x"),
                    ))
                }
            }
        }
        Some(other) => {
            return Err(invalid(
                path,
                &root.join("overlay"),
                format!(
                    "the overlay version must be a string such as \"1.0.0\", not `{}` (quote it in YAML)",
                    short(other)
                ),
            ))
        }
        None if map.contains_key("openapi") => {
            return Err(invalid(
                path,
                &root,
                "this is an OpenAPI document, not an overlay (an overlay has `overlay: 1.0.0`)",
            ))
        }
        None => {
            return Err(invalid(
                path,
                &root.join("overlay"),
                "missing `overlay` version field (expected 1.0.x or 1.1.x)",
            ))
        }
    };

    let info_at = root.join("info");
    let Some(info) = map.get("info") else {
        return Err(invalid(path, &info_at, "missing `info` (an overlay's `title` and `version`)"));
    };
    let Value::Object(info) = info else {
        return Err(invalid(path, &info_at, format!("`info` must be a mapping, not `{}`", short(info))));
    };
    text(path, info, "title", &info_at, true)?;
    text(path, info, "version", &info_at, true)?;

    for key in map.keys() {
        match key.as_str() {
            "overlay" | "info" | "actions" => {}
            "extends" => warn(
                path,
                &root.join(key),
                "`extends` is ignored: the overlay applies to the document being generated",
                warnings,
            ),
            other if other.starts_with("x-") => {}
            other => {
                warn(path, &root.join(other), format!("`{other}` is not a field of an overlay; ignored"), warnings)
            }
        }
    }

    let actions_at = root.join("actions");
    let items = match map.get("actions") {
        Some(Value::Array(items)) if !items.is_empty() => items,
        Some(Value::Array(_)) => return Err(invalid(path, &actions_at, "an overlay needs at least one action")),
        Some(other) => {
            return Err(invalid(path, &actions_at, format!("`actions` must be a list, not `{}`", short(other))))
        }
        None => return Err(invalid(path, &actions_at, "missing `actions` (a list of actions)")),
    };
    items.iter().enumerate().map(|(i, item)| action(path, item, actions_at.join(i), minor, warnings)).collect()
}

fn action<'o>(path: &Path, item: &'o Value, at: Pointer, minor: u8, warnings: &mut Vec<Warning>) -> Result<Action<'o>> {
    let Value::Object(map) = item else {
        return Err(invalid(path, &at, format!("an action must be a mapping with a `target`, not `{}`", short(item))));
    };
    for key in map.keys() {
        if !key.starts_with("x-") && !matches!(key.as_str(), "target" | "description" | "update" | "remove" | "copy") {
            return Err(invalid(
                path,
                &at.join(key),
                format!("`{key}` is not a field of an overlay action (target, description, update, remove, copy)"),
            ));
        }
    }
    text(path, map, "description", &at, false)?;
    let target_text = match map.get("target") {
        Some(Value::String(target)) => target.as_str(),
        Some(other) => {
            return Err(invalid(
                path,
                &at.join("target"),
                format!("`target` must be a JSONPath string, not `{}`", short(other)),
            ))
        }
        None => return Err(invalid(path, &at, "missing `target` (a JSONPath such as `$.paths`)")),
    };
    let target = JsonPath::parse(target_text)
        .map_err(|e| invalid(path, &at.join("target"), format!("`{target_text}` is not an RFC 9535 JSONPath: {e}")))?;
    let remove = match map.get("remove") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(remove)) => *remove,
        Some(other) => {
            return Err(invalid(
                path,
                &at.join("remove"),
                format!("`remove` must be true or false, not `{}`", short(other)),
            ))
        }
    };
    let copy = match map.get("copy") {
        None => None,
        Some(_) if minor == 0 => {
            return Err(invalid(path, &at.join("copy"), "`copy` is an Overlay 1.1 action; this overlay says it is 1.0"))
        }
        Some(Value::String(source)) => Some(
            JsonPath::parse(source)
                .map_err(|e| invalid(path, &at.join("copy"), format!("`{source}` is not an RFC 9535 JSONPath: {e}")))?,
        ),
        Some(other) => {
            return Err(invalid(
                path,
                &at.join("copy"),
                format!("`copy` must be a JSONPath string, not `{}`", short(other)),
            ))
        }
    };
    let update = map.get("update");
    let change = match (remove, update, copy) {
        (_, Some(_), Some(_)) => return Err(invalid(path, &at, "an action has `update` or `copy`, not both")),
        (true, Some(_), None) | (true, None, Some(_)) => {
            // Both versions say `remove: true` wins.
            warn(path, &at, "`remove: true` wins: this action's `update`/`copy` is not applied", warnings);
            Change::Remove
        }
        (true, None, None) => Change::Remove,
        (false, Some(update), None) => Change::Update(update),
        (false, None, Some(copy)) => Change::Copy(copy),
        (false, None, None) => {
            warn(path, &at, "this action has no `update`, `remove: true` or `copy`; it changes nothing", warnings);
            Change::Nothing
        }
    };
    Ok(Action { at, target, target_text, change })
}

/// One step of a normalized path, owned, so that the document can be changed after the query.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Name(String),
    Index(usize),
}

impl Action<'_> {
    fn apply(&self, path: &Path, document: &mut Value, warnings: &mut Vec<Warning>) -> Result<()> {
        let targets: Vec<Vec<Step>> = self
            .target
            .query_located(document)
            .locations()
            .map(|location| {
                location
                    .iter()
                    .map(|step| match step {
                        PathElement::Name(name) => Step::Name((*name).to_owned()),
                        PathElement::Index(index) => Step::Index(*index),
                    })
                    .collect()
            })
            .collect();
        if targets.is_empty() {
            let message = format!(
                "overlay action: target `{}` matches nothing in the document; nothing changed",
                self.target_text
            );
            warn(path, &self.at, message, warnings);
            return Ok(());
        }
        match &self.change {
            Change::Nothing => Ok(()),
            Change::Update(update) => self.update(path, document, &targets, update, "update"),
            Change::Copy(source) => {
                let copied = {
                    let found = source.query(document);
                    match found.len() {
                        1 => found.all().into_iter().next().cloned().unwrap_or_default(),
                        n => {
                            let message =
                                format!("`copy` must select exactly one node of the document; it selects {n}");
                            return Err(invalid(path, &self.at.join("copy"), message));
                        }
                    }
                };
                self.update(path, document, &targets, &copied, "copy")
            }
            Change::Remove => {
                let mut targets = targets;
                // Last first, so that removing an item does not move the ones still to remove.
                targets.sort_by(|a, b| b.cmp(a));
                targets.dedup();
                for target in &targets {
                    let Some((last, parent)) = target.split_last() else {
                        return Err(invalid(
                            path,
                            &self.at.join("target"),
                            "`remove` cannot remove the whole document",
                        ));
                    };
                    // A node inside one removed before is gone already.
                    match (node_mut(document, parent), last) {
                        (Some(Value::Object(map)), Step::Name(name)) => {
                            map.shift_remove(name);
                        }
                        (Some(Value::Array(items)), Step::Index(index)) if *index < items.len() => {
                            items.remove(*index);
                        }
                        _ => {}
                    }
                }
                Ok(())
            }
        }
    }

    fn update(
        &self,
        path: &Path,
        document: &mut Value,
        targets: &[Vec<Step>],
        update: &Value,
        field: &str,
    ) -> Result<()> {
        for target in targets {
            let Some(node) = node_mut(document, target) else { continue };
            match (node, update) {
                (Value::Object(node), Value::Object(update)) => merge(node, update),
                // An update to a list is one more item.
                (Value::Array(items), value) => items.push(value.clone()),
                (Value::Object(_), other) => {
                    let message = format!(
                        "the target is a mapping, so the `{field}` value must be a mapping, not `{}`",
                        short(other)
                    );
                    return Err(invalid(path, &self.at.join(field), message));
                }
                // 1.1: a primitive target is replaced.
                (node, value) => *node = value.clone(),
            }
        }
        Ok(())
    }
}

/// Merges `update` into `node`: mappings recursively, lists appended, anything else replaced.
fn merge(node: &mut Map<String, Value>, update: &Map<String, Value>) {
    for (key, value) in update {
        match (node.get_mut(key), value) {
            (Some(Value::Object(inner)), Value::Object(value)) => merge(inner, value),
            (Some(Value::Array(items)), Value::Array(more)) => items.extend(more.iter().cloned()),
            (Some(slot), value) => *slot = value.clone(),
            (None, value) => {
                node.insert(key.clone(), value.clone());
            }
        }
    }
}

/// A value as JSON, cut short: enough to recognise it in a message.
fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(60) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

fn node_mut<'v>(value: &'v mut Value, steps: &[Step]) -> Option<&'v mut Value> {
    steps.iter().try_fold(value, |value, step| match (value, step) {
        (Value::Object(map), Step::Name(name)) => map.get_mut(name),
        (Value::Array(items), Step::Index(index)) => items.get_mut(*index),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlaid(document: Value, actions: Value) -> (Value, Vec<String>) {
        let overlay = json!({"overlay": "1.1.0", "info": {"title": "t", "version": "1"}, "actions": actions});
        let mut document = document;
        let mut warnings = Vec::new();
        apply_value(Path::new("o.yaml"), &overlay, &mut document, &mut warnings).unwrap();
        (document, warnings.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn removes_several_items_of_one_list_and_nodes_inside_removed_ones() {
        let (document, warnings) = overlaid(
            json!({"tags": [{"name": "a"}, {"name": "b", "x-internal": true}, {"name": "c"}, {"name": "d", "x-internal": true}]}),
            json!([{"target": "$.tags[?@['x-internal'] == true]", "remove": true}, {"target": "$..name", "remove": true}]),
        );
        assert_eq!(document, json!({"tags": [{}, {}]}));
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn updates_merge_append_and_replace() {
        let (document, _) = overlaid(
            json!({"a": {"list": [1], "keep": true, "inner": {"x": 1}}, "items": [1], "n": 1}),
            json!([
                {"target": "$.a", "update": {"list": [2], "inner": {"y": 2}, "new": "v"}},
                {"target": "$.items", "update": [2, 3]},
                {"target": "$.n", "update": 2},
            ]),
        );
        assert_eq!(
            document,
            json!({"a": {"list": [1, 2], "keep": true, "inner": {"x": 1, "y": 2}, "new": "v"}, "items": [1, [2, 3]], "n": 2})
        );
    }

    #[test]
    fn copy_merges_one_node_into_every_target() {
        let (document, _) = overlaid(
            json!({"from": {"description": "shared"}, "to": [{"a": 1}, {"b": 2}]}),
            json!([{"target": "$.to[*]", "copy": "$.from"}]),
        );
        assert_eq!(document["to"], json!([{"a": 1, "description": "shared"}, {"b": 2, "description": "shared"}]));
    }

    #[test]
    fn an_unmatched_target_warns_with_the_overlay_file_and_action() {
        let (document, warnings) = overlaid(json!({"a": 1}), json!([{"target": "$.b", "update": {"x": 1}}]));
        assert_eq!(document, json!({"a": 1}));
        assert_eq!(
            warnings,
            ["o.yaml#/actions/0: overlay action: target `$.b` matches nothing in the document; nothing changed"]
        );
    }

    #[test]
    fn a_mapping_target_wants_a_mapping_and_the_root_stays() {
        let overlay = json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": [{"target": "$.a", "update": [1]}]});
        let error = apply_value(Path::new("o.yaml"), &overlay, &mut json!({"a": {}}), &mut Vec::new()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "o.yaml#/actions/0/update: the target is a mapping, so the `update` value must be a mapping, not `[1]`"
        );
        let overlay = json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": [{"target": "$", "remove": true}]});
        let error = apply_value(Path::new("o.yaml"), &overlay, &mut json!({"a": {}}), &mut Vec::new()).unwrap_err();
        assert!(
            error.to_string().starts_with("o.yaml#/actions/0/target: `remove` cannot remove the whole document"),
            "{error}"
        );
    }
}
