//! [`Api`]: the whole model, and the look-ups the emitter makes on it. Its types are private:
//! their order (by name) and the alias cache computed from them are what the look-ups rely on,
//! so only `Api::new` sets them.

use std::collections::HashMap;

use super::ir::{Group, Operation, SecurityScheme, ServerUrl, TypeDef, TypeKind, TypeRef, Webhook};
use crate::diagnostics::Warning;

/// The API as the emitter sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct Api {
    /// Sorted by name, which [`Api::type_named`] searches by.
    types: Vec<TypeDef>,
    /// Each alias's final target (see [`Api::unaliased`]), computed from `types`.
    alias_targets: HashMap<String, TypeRef>,
    pub title: String,
    /// A one-line summary (3.1+).
    pub summary: Option<String>,
    pub version: String,
    pub description: Option<String>,
    /// The API's license, as the document names it (`MIT`, an SPDX identifier, or a name).
    pub license: Option<String>,
    pub servers: Vec<ServerUrl>,
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
    /// An API of `types` and nothing else yet: the types sorted by name and every alias
    /// resolved once. The other fields are plain data the caller fills in.
    pub(super) fn new(mut types: Vec<TypeDef>) -> Self {
        types.sort_by(|a, b| a.name.cmp(&b.name));
        let alias_targets = alias_targets(&types);
        Api {
            types,
            alias_targets,
            title: String::new(),
            summary: None,
            version: String::new(),
            description: None,
            license: None,
            servers: Vec::new(),
            groups: Vec::new(),
            operations: Vec::new(),
            webhooks: Vec::new(),
            security_schemes: Vec::new(),
            security: Vec::new(),
            features: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Every named type, sorted by name.
    pub fn types(&self) -> &[TypeDef] {
        &self.types
    }

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

#[cfg(test)]
mod tests {
    use crate::model::ir::TypeRef;
    use crate::model::testing::model;

    /// Every alias knows its final target in one look-up, past any number of aliases between.
    #[test]
    fn aliases_resolve_to_their_final_target() {
        let mut yaml = String::from("openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n");
        yaml.push_str("    End: {type: object, properties: {a: {type: string}}}\n");
        yaml.push_str("    Many: {type: array, items: {$ref: '#/components/schemas/Link0'}}\n");
        for i in 0..3_000 {
            yaml.push_str(&format!("    Link{i}: {{$ref: '#/components/schemas/Link{}'}}\n", i + 1));
        }
        yaml.push_str("    Link3000: {$ref: '#/components/schemas/End'}\n");
        let api = model(&yaml);
        let end = TypeRef::Named("End".into());
        assert_eq!(api.unaliased(&TypeRef::Named("Link0".into())), &end);
        assert_eq!(api.unaliased(&TypeRef::Named("Link2999".into())), &end);
        assert_eq!(api.unaliased(&end), &end);
        // An alias of a list stops at the list: its items are another matter.
        let many = TypeRef::Named("Many".into());
        assert!(matches!(api.unaliased(&many), TypeRef::List(_)), "{:?}", api.unaliased(&many));
    }
}
