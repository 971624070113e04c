//! Types that contain themselves. A struct or union that holds itself in place (not behind a
//! `Vec` or a map) has its recursive fields and variants boxed; an alias that contains itself
//! through containers only cannot be a Rust type at all and stands for any JSON value.

use std::collections::{HashMap, HashSet};

use super::ir::{TypeDef, TypeKind, TypeRef};
use crate::diagnostics::Warning;

/// Boxes every field and variant whose type contains its owner again, in place: a type that
/// holds itself without a `Vec` or map in between would be infinitely large.
pub fn box_recursive_fields(types: &mut [TypeDef]) {
    let contains: HashMap<String, Vec<String>> = types
        .iter()
        .map(|t| {
            let mut direct = Vec::new();
            match &t.kind {
                TypeKind::Struct(s) => s.fields.iter().for_each(|f| held_in_place(&f.ty, &mut direct)),
                TypeKind::Union(u) => u.variants.iter().for_each(|v| held_in_place(&v.ty, &mut direct)),
                TypeKind::Alias(ty) => held_in_place(ty, &mut direct),
                TypeKind::Enum(_) | TypeKind::IntEnum(_) => {}
            }
            (t.name.clone(), direct)
        })
        .collect();
    // With an edge owner → target for each type held in place, a field leads back to its owner
    // exactly when both sit in one strongly connected component. Components are found once, in
    // time linear in the types.
    let component = strongly_connected(&contains);
    let recursive = |ty: &TypeRef, owner: &str| {
        let mut direct = Vec::new();
        held_in_place(ty, &mut direct);
        let owner_component = component.get(owner);
        direct.iter().any(|target| owner_component.is_some() && component.get(target.as_str()) == owner_component)
    };
    for t in types.iter_mut() {
        let owner = t.name.clone();
        match &mut t.kind {
            TypeKind::Struct(s) => {
                for field in &mut s.fields {
                    field.boxed = recursive(&field.ty, &owner);
                }
            }
            TypeKind::Union(u) => {
                for variant in &mut u.variants {
                    variant.boxed = recursive(&variant.ty, &owner);
                }
            }
            _ => {}
        }
    }
}

/// Named types a value of `ty` holds in place (not behind a `Vec` or map).
fn held_in_place(ty: &TypeRef, out: &mut Vec<String>) {
    if let TypeRef::Named(name) = ty {
        out.push(name.clone());
    }
    for child in ty.inline_children() {
        held_in_place(child, out);
    }
}

/// The strongly connected component of each type of `graph` (an edge: a type contains another
/// in place), numbered by Tarjan's algorithm, iteratively so that a cycle through thousands of
/// types cannot overflow the stack.
fn strongly_connected(graph: &HashMap<String, Vec<String>>) -> HashMap<&str, usize> {
    // Nodes in a fixed order, so that the numbering does not depend on hash order.
    let mut names: Vec<&str> = graph.keys().map(String::as_str).collect();
    names.sort_unstable();
    let index_of: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let edges: Vec<Vec<usize>> =
        names.iter().map(|n| graph[*n].iter().filter_map(|t| index_of.get(t.as_str()).copied()).collect()).collect();
    const UNSEEN: usize = usize::MAX;
    let count = names.len();
    let (mut order, mut low, mut on_stack) = (vec![UNSEEN; count], vec![0; count], vec![false; count]);
    let mut component = vec![UNSEEN; count];
    let (mut next_order, mut next_component) = (0, 0);
    let mut stack = Vec::new();
    for root in 0..count {
        if order[root] != UNSEEN {
            continue;
        }
        // (node, how many of its edges are done)
        let mut calls = vec![(root, 0)];
        order[root] = next_order;
        low[root] = next_order;
        next_order += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut done)) = calls.last_mut() {
            if let Some(&target) = edges[node].get(*done) {
                *done += 1;
                if order[target] == UNSEEN {
                    order[target] = next_order;
                    low[target] = next_order;
                    next_order += 1;
                    stack.push(target);
                    on_stack[target] = true;
                    calls.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(order[target]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == order[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    names.into_iter().zip(component).collect()
}

/// An alias that contains itself through lists, maps or options only (`A = Vec<A>`, a schema
/// whose items are itself) cannot be a Rust type alias, and no struct is there to box the
/// recursion: such an alias stands for any JSON value, with a warning.
pub fn break_alias_cycles(types: &mut [TypeDef], warnings: &mut Vec<Warning>) {
    /// Whether `ty`, or a type inside it, is `target` or an alias that leads to it.
    fn reaches(by_name: &HashMap<&str, &TypeKind>, ty: &TypeRef, target: &str, seen: &mut HashSet<String>) -> bool {
        ty.walk().any(|inner| match inner {
            TypeRef::Named(name) if name == target => true,
            TypeRef::Named(name) => match by_name.get(name.as_str()) {
                Some(TypeKind::Alias(aliased)) if seen.insert(name.clone()) => reaches(by_name, aliased, target, seen),
                _ => false,
            },
            _ => false,
        })
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
        warnings.push(Warning::fallback(
            types[i].pointer.clone(),
            format!("`{}` contains itself through lists or maps only, which no Rust type can be; typed as serde_json::Value", types[i].name),
        ));
        types[i].kind = TypeKind::Alias(TypeRef::Json);
    }
}

#[cfg(test)]
mod tests {
    use crate::model::ir::{TypeKind, TypeRef};
    use crate::model::testing::{kind, model};

    /// Only fields that lead back to their own type are boxed: in `A → B → C → A` every link,
    /// not `Outside → A` nor `C.list` (a `Vec` already breaks the cycle), and not a long chain
    /// of aliases leading into the cycle (which must not overflow the stack either).
    #[test]
    fn fields_are_boxed_exactly_on_cycles() {
        let mut yaml = String::from("openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n");
        yaml.push_str("    A: {type: object, properties: {b: {$ref: '#/components/schemas/B'}}}\n");
        yaml.push_str("    B: {type: object, properties: {c: {$ref: '#/components/schemas/C'}}}\n");
        yaml.push_str("    C: {type: object, properties: {a: {$ref: '#/components/schemas/A'}, list: {type: array, items: {$ref: '#/components/schemas/A'}}}}\n");
        yaml.push_str("    Outside: {type: object, properties: {a: {$ref: '#/components/schemas/Alias0'}}}\n");
        for i in 0..5_000 {
            yaml.push_str(&format!("    Alias{i}: {{$ref: '#/components/schemas/Alias{}'}}\n", i + 1));
        }
        yaml.push_str("    Alias5000: {$ref: '#/components/schemas/A'}\n");
        let api = model(&yaml);
        let boxed = |name: &str, field: &str| match kind(&api, name) {
            TypeKind::Struct(s) => {
                s.fields.iter().find(|f| f.wire == field).unwrap_or_else(|| panic!("{name}.{field}")).boxed
            }
            other => panic!("{name}: {other:?}"),
        };
        assert!(boxed("A", "b") && boxed("B", "c") && boxed("C", "a"));
        assert!(!boxed("C", "list") && !boxed("Outside", "a"));
    }

    #[test]
    fn an_inline_schema_that_contains_itself_through_all_of_is_a_boxed_type() {
        // `Base.id` merges `Named`, which merges `Base`, which has `id`.
        let api = model(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    Base:\n      type: object\n      properties:\n        id:\n          allOf: [{$ref: '#/components/schemas/Named'}, {properties: {extra: {type: string}}}]\n    Named:\n      allOf: [{$ref: '#/components/schemas/Base'}, {properties: {name: {type: string}}}]\n",
        );
        let TypeKind::Struct(id) = kind(&api, "BaseId") else { panic!("{:?}", kind(&api, "BaseId")) };
        let field = id.fields.iter().find(|f| f.wire == "id").unwrap();
        assert_eq!(field.ty, TypeRef::Named("BaseId".into()));
        assert!(field.boxed);
    }

    #[test]
    fn references_around_a_loop_through_items_are_a_recursive_type() {
        let api = model(
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    Tree: {type: object, properties: {kids: {$ref: '#/components/schemas/Forest'}}}\n    Forest: {type: array, items: {$ref: '#/components/schemas/Tree'}}\n",
        );
        assert_eq!(kind(&api, "Forest"), &TypeKind::Alias(TypeRef::List(Box::new(TypeRef::Named("Tree".into())))));
    }

    /// `A = Vec<A>` is no Rust type: the alias becomes any JSON value, and says so.
    #[test]
    fn an_alias_that_is_a_list_of_itself_is_any_value() {
        let api = model("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Tree: {type: array, items: {$ref: '#/components/schemas/Tree'}}\n");
        assert_eq!(kind(&api, "Tree"), &TypeKind::Alias(TypeRef::Json));
        assert!(
            api.warnings
                .iter()
                .any(|w| w.pointer.as_str() == "/components/schemas/Tree" && w.message.contains("contains itself")),
            "{:?}",
            api.warnings
        );
    }
}
