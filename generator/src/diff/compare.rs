//! Two surfaces compared item by item: what was added, removed, renamed or changed, each change
//! classified (see [`change`](super::change)). A method that disappears while another with the
//! same HTTP method and path appears is one rename, not a removal and an addition.

use std::collections::BTreeMap;

use super::change::{self, Change, Severity};
use super::surface::{Item, ItemKind, Surface};

/// Every change from `old` to `new`: breaking first, then compatible, then wire-only; within
/// each, by Rust item.
pub fn compare(old: &Surface, new: &Surface) -> Vec<Change> {
    let mut changes = Vec::new();
    let removed: Vec<(&String, &Item)> = old.items.iter().filter(|(path, _)| !new.items.contains_key(*path)).collect();
    let added: Vec<(&String, &Item)> = new.items.iter().filter(|(path, _)| !old.items.contains_key(*path)).collect();
    let renames = renames(&removed, &added);
    for (path, item) in &removed {
        if let Some(new_path) = renames.get(path.as_str()) {
            changes.push(Change {
                severity: Severity::Breaking,
                item: path.to_string(),
                what: "renamed".into(),
                old: Some(path.to_string()),
                new: Some(new_path.to_string()),
                pointer: new.items[*new_path].pointer.clone(),
                in_old: false,
                why: "code that names the old name stops compiling",
            });
            continue;
        }
        let (severity, why) = change::removed();
        changes.push(Change {
            severity,
            item: path.to_string(),
            what: "removed".into(),
            old: Some(item.rust.clone()),
            new: None,
            pointer: item.pointer.clone(),
            in_old: true,
            why,
        });
    }
    let renamed_to: Vec<&str> = renames.values().copied().collect();
    for (path, item) in &added {
        if renamed_to.contains(&path.as_str()) {
            continue;
        }
        let (severity, mut why) = change::added(item.kind);
        let mut what = "added".to_owned();
        if item.kind == ItemKind::Field && item.presence.as_deref().is_some_and(|p| p.starts_with("required")) {
            what = "added (required)".into();
            why = "a new required field: a struct literal without it stops compiling";
        }
        changes.push(Change {
            severity,
            item: path.to_string(),
            what,
            old: None,
            new: Some(item.rust.clone()),
            pointer: item.pointer.clone(),
            in_old: false,
            why,
        });
    }
    for (path, before) in &old.items {
        let Some(after) = new.items.get(path) else { continue };
        if before.rust != after.rust {
            let (severity, why) = change::changed();
            let what = match (&before.presence, &after.presence) {
                (Some(was), Some(is)) if was != is => format!("made {is}"),
                _ => "changed".into(),
            };
            changes.push(Change {
                severity,
                item: path.clone(),
                what,
                old: Some(before.rust.clone()),
                new: Some(after.rust.clone()),
                pointer: after.pointer.clone(),
                in_old: false,
                why,
            });
        } else if before.presence != after.presence {
            // Same Rust type, different presence: `required, nullable` and `optional` are both
            // `Option<T>`, but one is sent as `null` and the other left out.
            let (severity, why) = change::wire();
            changes.push(Change {
                severity,
                item: path.clone(),
                what: "presence".into(),
                old: before.presence.clone(),
                new: after.presence.clone(),
                pointer: after.pointer.clone(),
                in_old: false,
                why,
            });
        }
        for aspect in before.wire.keys().chain(after.wire.keys().filter(|k| !before.wire.contains_key(*k))) {
            let (was, is) = (before.wire.get(aspect), after.wire.get(aspect));
            if was != is {
                let (severity, why) = change::wire();
                changes.push(Change {
                    severity,
                    item: path.clone(),
                    what: (*aspect).to_owned(),
                    old: was.cloned(),
                    new: is.cloned(),
                    pointer: after.pointer.clone(),
                    in_old: false,
                    why,
                });
            }
        }
    }
    changes.sort_by(|a, b| (a.severity, &a.item, &a.what).cmp(&(b.severity, &b.item, &b.what)));
    changes
}

/// Removed item → added item, when both are the same thing in the document under another
/// Rust name: the same kind of item from the same pointer (a method: the same HTTP operation),
/// with the same last segment for members (a field keeps its name when its struct is renamed),
/// and no other candidate on either side. Renaming an operation also renames what is named
/// after it (its options struct, the types of its inline schemas): each is one rename, not a
/// removal and an addition.
fn renames<'a>(removed: &[(&'a String, &'a Item)], added: &[(&'a String, &'a Item)]) -> BTreeMap<&'a str, &'a str> {
    let identity = |path: &str, item: &Item| {
        let member = match item.kind {
            ItemKind::Field | ItemKind::Variant | ItemKind::Constant => {
                path.rsplit("::").next().unwrap_or(path).to_owned()
            }
            _ => String::new(),
        };
        let place = match item.kind {
            ItemKind::Method => item.wire.get("operation").cloned().unwrap_or_default(),
            _ => item.pointer.to_string(),
        };
        (item.kind, place, member)
    };
    let group = |items: &[(&'a String, &'a Item)]| {
        let mut by_identity: BTreeMap<_, Vec<&'a str>> = BTreeMap::new();
        for (path, item) in items {
            by_identity.entry(identity(path, item)).or_default().push(path.as_str());
        }
        by_identity
    };
    let (gone, came) = (group(removed), group(added));
    let mut renames = BTreeMap::new();
    for (identity, old_paths) in &gone {
        if let (Some(new_paths), [old]) = (came.get(identity), old_paths.as_slice()) {
            if let [new] = new_paths.as_slice() {
                renames.insert(*old, *new);
            }
        }
    }
    renames
}
