//! Which types the operations and webhooks reach, through fields, items, map values, union
//! variants and aliases, and the passes that follow from it: dropping what a selection leaves
//! out, gating types behind the features of what reaches them, marking the types a client sends.

use std::collections::{BTreeSet, HashMap};

use super::choices::{Selected, FULL_FEATURE};
use super::ir::{Group, Operation, Payload, TypeDef, TypeKind, TypeRef, Webhook};
use crate::diagnostics::Warning;
use crate::pointer::Pointer;

/// The types an operation names: parameters, body, every success payload, error bodies.
fn operation_roots(op: &Operation) -> Vec<TypeRef> {
    let mut roots: Vec<TypeRef> = op.params.iter().map(|p| p.ty.clone()).collect();
    let payloads = op
        .body
        .iter()
        .map(|b| &b.payload)
        .chain([&op.success.payload])
        .chain(op.success.outcomes.iter().map(|o| &o.payload))
        .chain(&op.success.stream);
    roots.extend(payloads.filter_map(Payload::typed).cloned());
    roots.extend(op.errors.iter().filter_map(|e| e.ty.clone()));
    roots.extend(op.error_type.clone());
    roots
}

fn webhook_roots(webhook: &Webhook) -> Vec<TypeRef> {
    webhook.body.iter().filter_map(|b| b.payload.typed()).cloned().collect()
}

/// Which types `roots` reach, through fields, items, map values, union variants and aliases.
fn reach(types: &[TypeDef], index: &HashMap<&str, usize>, roots: &[TypeRef]) -> Vec<bool> {
    let mut work: Vec<&TypeRef> = roots.iter().collect();
    let mut reached = vec![false; types.len()];
    while let Some(ty) = work.pop() {
        let TypeRef::Named(name) = ty else {
            work.extend(ty.children());
            continue;
        };
        let Some(&i) = index.get(name.as_str()) else { continue };
        if std::mem::replace(&mut reached[i], true) {
            continue;
        }
        match &types[i].kind {
            TypeKind::Struct(s) => {
                work.extend(s.fields.iter().map(|f| &f.ty));
                work.extend(&s.additional);
            }
            TypeKind::Union(u) => work.extend(u.variants.iter().map(|v| &v.ty)),
            TypeKind::Alias(inner) => work.push(inner),
            TypeKind::Enum(_) | TypeKind::IntEnum(_) => {}
        }
    }
    reached
}

fn type_index(types: &[TypeDef]) -> HashMap<&str, usize> {
    types.iter().enumerate().map(|(i, t)| (t.name.as_str(), i)).collect()
}

/// Drops the operations and webhooks the selection leaves out, the groups left empty, the types
/// nothing kept reaches, and the warnings about what was dropped.
pub fn prune(
    selected: &Selected,
    operations: &mut Vec<Operation>,
    groups: &mut Vec<Group>,
    webhooks: &mut Vec<Webhook>,
    types: &mut Vec<TypeDef>,
    warnings: &mut Vec<Warning>,
) {
    let mut dropped: Vec<Pointer> = Vec::new();
    let mut new_index: Vec<Option<usize>> = Vec::with_capacity(operations.len());
    let mut kept = Vec::new();
    for (op, keep) in std::mem::take(operations).into_iter().zip(&selected.operations) {
        if *keep {
            new_index.push(Some(kept.len()));
            kept.push(op);
        } else {
            new_index.push(None);
            dropped.push(op.pointer.clone());
        }
    }
    *operations = kept;
    for group in groups.iter_mut() {
        group.operations = group.operations.iter().filter_map(|&i| new_index.get(i).copied().flatten()).collect();
    }
    groups.retain(|g| !g.operations.is_empty());
    let mut keep_webhook = selected.webhooks.iter();
    webhooks.retain(|w| {
        let keep = keep_webhook.next().copied().unwrap_or(true);
        if !keep {
            dropped.push(w.pointer.clone());
        }
        keep
    });

    let roots: Vec<TypeRef> =
        operations.iter().flat_map(operation_roots).chain(webhooks.iter().flat_map(webhook_roots)).collect();
    let reached = reach(types, &type_index(types), &roots);
    let mut reached = reached.into_iter();
    types.retain(|t| {
        let keep = reached.next().unwrap_or(true);
        if !keep {
            dropped.push(t.pointer.clone());
        }
        keep
    });
    // A kept type may sit inside a dropped operation (an inline schema another kept one refers
    // to): its warnings stay.
    let kept_pointers: Vec<&Pointer> = types.iter().map(|t| &t.pointer).collect();
    warnings.retain(|w| {
        !dropped.iter().any(|d| w.pointer.starts_with(d)) || kept_pointers.iter().any(|k| w.pointer.starts_with(k))
    });
}

/// Gives groups and types the features that compile them (see [`TypeDef::features`]) and
/// returns every feature of the crate, in group order, `webhooks` last.
pub fn assign_features(
    groups: &mut [Group],
    operations: &[Operation],
    webhooks: &[Webhook],
    types: &mut [TypeDef],
) -> Vec<String> {
    let mut features: Vec<String> = Vec::new();
    for group in groups.iter_mut() {
        let mine: BTreeSet<String> = group.operations.iter().filter_map(|&i| operations[i].feature.clone()).collect();
        for feature in &mine {
            if !features.contains(feature) {
                features.push(feature.clone());
            }
        }
        group.features = mine.into_iter().collect();
    }
    if let Some(feature) = webhooks.iter().find_map(|w| w.feature.clone()) {
        features.push(feature);
    }
    let index = type_index(types);
    let mut reached_by: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); types.len()];
    for feature in &features {
        let roots: Vec<TypeRef> = operations
            .iter()
            .filter(|op| op.feature.as_ref() == Some(feature))
            .flat_map(operation_roots)
            .chain(webhooks.iter().filter(|w| w.feature.as_ref() == Some(feature)).flat_map(webhook_roots))
            .collect();
        for (i, reached) in reach(types, &index, &roots).into_iter().enumerate() {
            if reached {
                reached_by[i].insert(feature);
            }
        }
    }
    let gates: Vec<Vec<String>> = reached_by
        .into_iter()
        .map(|by| match by.len() {
            // Nothing reaches it (a component no operation uses): only with everything.
            0 => vec![FULL_FEATURE.to_owned()],
            // Every feature needs it: no gate at all.
            n if n == features.len() => Vec::new(),
            _ => by.into_iter().map(str::to_owned).collect(),
        })
        .collect();
    for (def, gate) in types.iter_mut().zip(gates) {
        def.features = gate;
    }
    features
}

/// Marks every type reachable from a request body or parameter.
pub fn mark_sent(types: &mut [TypeDef], operations: &[Operation]) {
    let mut roots: Vec<TypeRef> = Vec::new();
    for op in operations {
        roots.extend(op.params.iter().map(|p| p.ty.clone()));
        roots.extend(op.body.as_ref().and_then(|b| b.payload.typed()).cloned());
    }
    let sent = reach(types, &type_index(types), &roots);
    for (def, sent) in types.iter_mut().zip(sent) {
        def.sent = sent;
    }
}
