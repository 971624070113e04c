//! `$ref`s. A document object's reference is kept as its target pointer (for `resolve`), and
//! the target is read when it is not a component; a schema's reference is turned into a
//! pointer once the whole document is read, since it may name any `$id` or anchor in it.

use serde_json::{Map, Value};

use super::document::*;
use super::fields::describe;
use super::reader::{Base, Kind, PendingSchemaRef, Reader, RefText, Result};
use super::uri;
use crate::pointer::{percent_decode, Pointer};

impl Reader<'_> {
    /// The reference, if `map` is one: `#/…` pointers only (external documents are refused).
    pub(super) fn object_reference(
        &mut self,
        map: &Map<String, Value>,
        at: &Pointer,
        kind: Kind,
    ) -> Result<Option<Reference>> {
        let Some(reference) = map.get("$ref") else { return Ok(None) };
        let Value::String(text) = reference else {
            return Err(self.invalid(&at.join("$ref"), format!("`$ref` must be a string, not {}", describe(reference))));
        };
        let target = self.local_pointer(text, at)?;
        self.object_refs.push((kind, target.clone()));
        Ok(Some(Reference {
            target,
            at: at.clone(),
            summary: self.text(map, "summary", at)?,
            description: self.text(map, "description", at)?,
        }))
    }

    pub(super) fn local_pointer(&self, text: &str, at: &Pointer) -> Result<Pointer> {
        if let Some(pointer) = Pointer::from_ref(text) {
            return Ok(pointer);
        }
        let (resource, _) = uri::split_fragment(text);
        if !resource.is_empty() {
            if let Some(root) = self.resources.get(resource).filter(|p| p.is_root()) {
                // An absolute reference to this very document (its `$self`).
                let fragment = &text[resource.len()..];
                if let Some(pointer) = Pointer::from_ref(fragment) {
                    return Ok(root.concat(&pointer));
                }
            }
            return Err(self.invalid(
                &at.join("$ref"),
                format!("`{text}` points into another document; external documents are not supported"),
            ));
        }
        Err(self.invalid(&at.join("$ref"), format!("`{text}` is not a JSON pointer (`#/…`)")))
    }

    /// Reads the targets of references that are not components, until every one is read.
    pub(super) fn read_targets(&mut self) -> Result<()> {
        let (mut objects, mut schemas) = (0, 0);
        loop {
            while objects < self.object_refs.len() {
                let (kind, target) = self.object_refs[objects].clone();
                objects += 1;
                self.read_object_target(kind, &target)?;
            }
            if schemas == self.schema_refs.len() {
                return Ok(());
            }
            while schemas < self.schema_refs.len() {
                let index = schemas;
                schemas += 1;
                self.link_schema_ref(index)?;
            }
        }
    }

    pub(super) fn read_object_target(&mut self, kind: Kind, target: &Pointer) -> Result<()> {
        if target.component(kind.component_section()).is_some() {
            return Ok(());
        }
        let base: Base = "".into();
        let Some(value) = self.raw.pointer(target.as_str()) else {
            // Dangling: `resolve` says so, with the pointer of the `$ref`.
            return Ok(());
        };
        let elsewhere = &self.elsewhere;
        let known = match kind {
            Kind::Parameter => elsewhere.parameters.contains_key(target),
            Kind::RequestBody => elsewhere.request_bodies.contains_key(target),
            Kind::Response => elsewhere.responses.contains_key(target),
            Kind::Header => elsewhere.headers.contains_key(target),
            Kind::SecurityScheme => elsewhere.security_schemes.contains_key(target),
            Kind::PathItem => elsewhere.path_items.contains_key(target),
        };
        if known {
            return Ok(());
        }
        match kind {
            Kind::Parameter => {
                let read = self.parameter_ref(value, target, &base)?;
                self.elsewhere.parameters.insert(target.clone(), read);
            }
            Kind::RequestBody => {
                let read = self.request_body_ref(value, target, &base)?;
                self.elsewhere.request_bodies.insert(target.clone(), read);
            }
            Kind::Response => {
                let read = self.response_ref(value, target, &base)?;
                self.elsewhere.responses.insert(target.clone(), read);
            }
            Kind::Header => {
                let read = self.header_ref(value, target, &base)?;
                self.elsewhere.headers.insert(target.clone(), read);
            }
            Kind::SecurityScheme => {
                let read = self.security_scheme_ref(value, target)?;
                self.elsewhere.security_schemes.insert(target.clone(), read);
            }
            Kind::PathItem => {
                let read = self.path_item_ref(value, target, &base)?;
                self.elsewhere.path_items.insert(target.clone(), read);
            }
        }
        Ok(())
    }

    /// The pointer a schema reference names, `$id`s and anchors looked up.
    pub(super) fn schema_pointer(
        &mut self,
        reference: &str,
        base: &str,
        at: &Pointer,
        keyword: &str,
    ) -> Result<Pointer> {
        let absolute = uri::join(base, reference);
        let (resource, fragment) = uri::split_fragment(&absolute);
        let Some(root) = self.resources.get(resource).cloned() else {
            return Err(self.invalid(
                at,
                format!(
                    "`{reference}` points to `{resource}`, which is neither this document nor a schema `$id` in it; external documents are not supported"
                ),
            ));
        };
        let fragment = match fragment {
            None => return Ok(root),
            Some(fragment) => fragment,
        };
        if fragment.is_empty() || fragment.starts_with('/') {
            let inner = Pointer::from_fragment(fragment)
                .ok_or_else(|| self.invalid(at, format!("`{reference}` is not a valid JSON pointer")))?;
            let within = root.concat(&inner);
            // A pointer is relative to its resource; OpenAPI documents often mean the document
            // (`#/components/...` inside a schema with `$id`), which is taken when the resource
            // has no such location.
            if !root.is_root()
                && self.raw.pointer(within.as_str()).is_none()
                && self.raw.pointer(inner.as_str()).is_some()
            {
                return Ok(inner);
            }
            if self.raw.pointer(within.as_str()).is_none() {
                if let Some(nearest) = self.nearest_defs(&inner, at) {
                    self.warn(
                        at,
                        format!(
                            "`{reference}` names nothing in the document; taken as {nearest}, the `$defs` of the schema around it (JSON Schema tools write their own `$defs` this way)"
                        ),
                    );
                    return Ok(nearest);
                }
            }
            return Ok(within);
        }
        // An anchor is a plain name, percent-encoded in the fragment like any URI text; a
        // malformed escape is taken as written (no anchor is then likely to match).
        let anchor = percent_decode(fragment).unwrap_or_else(|| fragment.to_owned());
        if keyword == "$dynamicRef" && self.dynamic_anchors.get(&anchor).is_some_and(|bases| bases.len() > 1) {
            self.warn(
                at,
                format!(
                    "`$dynamicRef: {reference}` is resolved statically, to the `{anchor}` anchor of its own resource"
                ),
            );
        }
        self.anchors
            .get(&(resource.to_owned(), anchor.clone()))
            .cloned()
            .ok_or_else(|| self.invalid(at, format!("`{reference}`: no schema declares the anchor `{anchor}`")))
    }

    /// Where `#/$defs/Name` (or `#/definitions/Name`) means the definitions of the schema around
    /// the reference at `at`: schemas pasted from JSON Schema tools (Pydantic, zod-to-json-schema)
    /// carry their own `$defs` and name them from their own root, which inside an OpenAPI
    /// document is no longer the root. The nearest enclosing place that holds the target wins,
    /// as the innermost schema is the one the tool wrote.
    fn nearest_defs(&self, pointer: &Pointer, at: &Pointer) -> Option<Pointer> {
        let first = pointer.segments().next()?;
        if first != "$defs" && first != "definitions" {
            return None;
        }
        let places: Vec<Pointer> = at.prefixes().collect();
        places
            .into_iter()
            .rev()
            .map(|place| place.concat(pointer))
            .find(|candidate| self.raw.pointer(candidate.as_str()).is_some())
    }

    /// Turns the `index`th schema reference into a pointer, reading its target if nothing else
    /// did (a `$ref` into `$defs` of an unusual place, or into an `x-` extension).
    pub(super) fn link_schema_ref(&mut self, index: usize) -> Result<()> {
        let PendingSchemaRef { schema, reference, base, keyword } = &self.schema_refs[index];
        let at = self.schemas[*schema].pointer.join(keyword);
        let target = match reference {
            RefText::Pointer(pointer) => pointer.clone(),
            RefText::Uri(reference) => {
                let (reference, base, keyword) = (reference.clone(), base.clone(), *keyword);
                self.schema_pointer(&reference, &base, &at, keyword)?
            }
        };
        let schema = self.schema_refs[index].schema;
        if self.schemas.at(&target).is_none() {
            if let Some(value) = self.raw.pointer(target.as_str()) {
                self.schema(value, &target, &"".into())?;
            }
        }
        self.schemas.get_mut(schema).reference = Some(SchemaRef { target });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::reader::testing::*;

    #[test]
    fn ids_anchors_and_dynamic_refs_become_pointers() {
        let d = load(&format!(
            "{HEAD_31}components:\n  schemas:\n    Tree:\n      $id: https://x.test/tree\n      $dynamicAnchor: node\n      properties:\n        kids: {{type: array, items: {{$dynamicRef: '#node'}}}}\n        leaf: {{$ref: '#/$defs/leaf'}}\n        other: {{$ref: 'label'}}\n      $defs:\n        leaf: {{type: string}}\n    Label:\n      $id: https://x.test/label\n      type: string\n    Use:\n      properties:\n        by_id: {{$ref: 'https://x.test/tree'}}\n        by_anchor: {{$ref: '#here'}}\n    Here: {{$anchor: here, type: integer}}\n"
        ));
        let target = |pointer: &str| schema(&d, pointer).reference.as_ref().map(|r| r.target.to_string());
        assert_eq!(
            target("#/components/schemas/Tree/properties/kids/items").as_deref(),
            Some("#/components/schemas/Tree")
        );
        assert_eq!(
            target("#/components/schemas/Tree/properties/leaf").as_deref(),
            Some("#/components/schemas/Tree/$defs/leaf")
        );
        assert_eq!(target("#/components/schemas/Tree/properties/other").as_deref(), Some("#/components/schemas/Label"));
        assert_eq!(target("#/components/schemas/Use/properties/by_id").as_deref(), Some("#/components/schemas/Tree"));
        assert_eq!(
            target("#/components/schemas/Use/properties/by_anchor").as_deref(),
            Some("#/components/schemas/Here")
        );
    }

    #[test]
    fn pasted_defs_are_found_in_the_nearest_schema_around_them() {
        let d = load(&format!(
            "{HEAD_31}components:\n  schemas:\n    A:\n      properties:\n        b: {{$ref: '#/$defs/B'}}\n        c:\n          properties: {{d: {{$ref: '#/$defs/B'}}}}\n          $defs: {{B: {{type: integer}}}}\n      $defs: {{B: {{type: string}}}}\n"
        ));
        let target = |pointer: &str| schema(&d, pointer).reference.as_ref().map(|r| r.target.to_string());
        assert_eq!(target("#/components/schemas/A/properties/b").as_deref(), Some("#/components/schemas/A/$defs/B"));
        assert_eq!(
            target("#/components/schemas/A/properties/c/properties/d").as_deref(),
            Some("#/components/schemas/A/properties/c/$defs/B")
        );
        let warning = d.warnings.iter().map(ToString::to_string).find(|w| w.contains("properties/b/$ref")).unwrap();
        assert!(warning.contains("taken as #/components/schemas/A/$defs/B"), "{warning}");
    }

    #[test]
    fn unknown_references_say_where() {
        let err = read_text(
            "t.yaml",
            &format!("{HEAD_31}components:\n  schemas:\n    A: {{properties: {{b: {{$ref: '#missing'}}}}}}\n"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("#/components/schemas/A/properties/b/$ref") && err.contains("anchor `missing`"), "{err}");
        let err = read_text(
            "t.yaml",
            &format!("{HEAD_31}components:\n  schemas:\n    A: {{$ref: 'https://x.test/nothing'}}\n"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("external documents are not supported"), "{err}");
    }

    #[test]
    fn self_names_the_document_for_absolute_references() {
        let d = load(
            "openapi: 3.2.0\n$self: https://x.test/api/openapi\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      parameters: [{$ref: 'https://x.test/api/openapi#/components/parameters/p'}]\ncomponents:\n  parameters:\n    p: {name: p, in: query, schema: {type: string}}\n  schemas:\n    A: {properties: {b: {$ref: 'https://x.test/api/openapi#/components/schemas/B'}, c: {$ref: '#/components/schemas/B'}}}\n    B: {type: string}\n",
        );
        let target = |pointer: &str| schema(&d, pointer).reference.as_ref().map(|r| r.target.to_string());
        assert_eq!(target("#/components/schemas/A/properties/b").as_deref(), Some("#/components/schemas/B"));
        assert_eq!(target("#/components/schemas/A/properties/c").as_deref(), Some("#/components/schemas/B"));
        assert!(crate::resolve::resolve(&d).is_ok());
    }
}
