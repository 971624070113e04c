//! `$ref`s where OpenAPI expects a plain value: a tag's `description: {$ref: '#/x-texts/intro'}`
//! in a document that a bundler (Redocly, for one) would have filled in. Each is replaced by
//! the value it names when that is of the right kind (text for a description or a summary, an
//! object for `info`, a tag, a server), and otherwise left out with a warning naming the
//! reference: the value is an annotation, never worth stopping the generation for, and never
//! dropped without a word. `bundle` has already put in place those that name another file.

use serde_json::Value;

use super::fields::describe;
use super::walk::{fits_plain, walk, Kind};
use crate::diagnostics::Warning;
use crate::pointer::Pointer;

/// Replaces every plain-value `$ref` of `tree` by its target, or leaves it out with a warning.
pub(super) fn put_in_place(tree: &mut Value, warnings: &mut Vec<Warning>) {
    let mut found = Vec::new();
    walk(tree, &Pointer::root(), Kind::Document, &mut found);
    for reference in found.into_iter().filter(|f| f.kind == Kind::Plain) {
        let Some(holder) = reference.at.parent() else { continue };
        let target = Pointer::from_ref(&reference.text).and_then(|p| tree.pointer(p.as_str()));
        let wanted = if fits_plain(&reference.at, &Value::Null) { "an object" } else { "text" };
        let (replacement, problem) = match target {
            Some(value) if fits_plain(&reference.at, value) => (value.clone(), None),
            Some(value) => (Value::Null, Some(format!("names {}, where {wanted} is expected", describe(value)))),
            None if reference.text.starts_with('#') => (Value::Null, Some("names nothing in the document".to_owned())),
            None => (Value::Null, Some(format!("names something in another document that is not {wanted}"))),
        };
        if let Some(problem) = problem {
            let message = format!("`$ref: {}` {problem}; left out", reference.text);
            warnings.push(Warning::new(reference.at.clone(), message));
        }
        if let Some(slot) = tree.pointer_mut(holder.as_str()) {
            *slot = replacement;
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn plain_values_are_put_in_place_or_left_out_with_a_warning() {
        let mut tree = json!({
            "info": {"title": "t", "description": {"$ref": "#/x-texts/intro"}},
            "tags": [
                {"name": "a", "description": {"$ref": "#/x-texts/intro"}},
                {"name": "b", "description": {"$ref": "#/x-texts/list"}},
                {"name": "c", "description": {"$ref": "#/x-texts/none"}}
            ],
            "x-texts": {"intro": "Hello", "list": [1]},
            "components": {"schemas": {"A": {"properties": {"description": {"$ref": "#/components/schemas/B"}}}}}
        });
        let mut warnings = Vec::new();
        put_in_place(&mut tree, &mut warnings);
        assert_eq!(tree["info"]["description"], "Hello");
        assert_eq!(tree["tags"][0]["description"], "Hello");
        assert!(tree["tags"][1]["description"].is_null() && tree["tags"][2]["description"].is_null());
        // A property named `description` is a schema: its `$ref` is a reference, left alone.
        assert_eq!(tree["components"]["schemas"]["A"]["properties"]["description"]["$ref"], "#/components/schemas/B");
        let warnings: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            warnings,
            [
                "#/tags/1/description/$ref: `$ref: #/x-texts/list` names a list, where text is expected; left out",
                "#/tags/2/description/$ref: `$ref: #/x-texts/none` names nothing in the document; left out",
            ]
        );
    }
}
