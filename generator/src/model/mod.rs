//! Stage 3: the intermediate model.
//!
//! Everything the emitter needs, decided here: Rust names (keywords, collisions), merged `allOf`,
//! inline schemas promoted to named types, parameters by location, bodies by content type,
//! responses split into success and errors, security per operation. No `syn` in sight.
//!
//! This file is the build, stage by stage; the model's data is in `ir` and `api`, schemas become
//! types in `types`, operations in `operations` (and how their lists page in `pagination`), and
//! the passes over the finished types are in `cycles` and `reach`.

mod api;
mod choices;
mod cycles;
mod idempotency;
mod ir;
mod names;
mod oauth;
mod operations;
mod pagination;
mod reach;
mod response_headers;
pub mod synthesize;
#[cfg(test)]
pub(crate) mod testing;
mod types;

pub use api::Api;
pub use choices::{FULL_FEATURE, WEBHOOKS_FEATURE};
pub use ir::*;
pub use names::{crate_ident, field_name, is_identifier, method_name, package_name, type_name, RUST_KEYWORDS};
pub use operations::is_json;
pub use pagination::{PagingRule, PagingStyle};

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use crate::diagnostics::Error;
use crate::resolve::Resolved;
use crate::Options;

/// Builds the model with the user's choices (`options`: selection, renames, extra derives,
/// date-time type, tag features). Errors stop generation; warnings name what fell back to a
/// safe type.
pub fn build(resolved: &Resolved<'_>, options: &Options) -> Result<Api, Error> {
    let document = resolved.document;
    // Every choice is checked before anything is built: the first mistake is reported alone.
    choices::check_derives(resolved, &options.extra_derives)?;
    let selected = choices::select(resolved, &options.selection)?;
    let method_renames = choices::operation_renames(resolved, &options.renames.operations)?;
    let mut types = types::TypeBuilder::new(resolved, &options.renames.types, options.date_time)?;
    types.define_components()?;
    // Every operation is built, selected or not, so that names (collision suffixes, inline
    // types) are those of the whole document whatever the selection.
    let (mut operations, mut groups) = operations::build(resolved, &mut types, &method_renames)?;
    let mut webhooks = operations::webhooks(resolved, &mut types)?;
    let security_schemes = operations::security_schemes(resolved, &mut types.warnings);
    let (mut types, mut warnings) = types.finish();
    pagination::detect(resolved, &mut operations, &types, &options.pagination, &mut warnings)?;
    if options.tag_features {
        for (op, feature) in operations.iter_mut().zip(choices::operation_features(resolved)) {
            op.feature = Some(feature);
        }
        for webhook in &mut webhooks {
            webhook.feature = Some(WEBHOOKS_FEATURE.to_owned());
        }
    }
    if !options.selection.is_everything() {
        reach::prune(&selected, &mut operations, &mut groups, &mut webhooks, &mut types, &mut warnings);
    }
    // `merge_identical` keeps the first of identical types by name (and `Api::new` sorts too).
    types.sort_by(|a, b| a.name.cmp(&b.name));
    cycles::break_alias_cycles(&mut types, &mut warnings);
    merge_identical(&mut types);
    reach::mark_sent(&mut types, &operations);
    let features = if options.tag_features {
        reach::assign_features(&mut groups, &operations, &webhooks, &mut types)
    } else {
        Vec::new()
    };
    warnings.extend(document.warnings.iter().cloned());
    warnings.sort();
    warnings.dedup();

    let info = &document.info;
    let mut api = Api::new(types);
    api.title = info.title.clone();
    api.summary = info.summary.clone();
    api.version = info.version.clone();
    api.description = info.description.clone();
    api.license =
        info.license.as_ref().map(|l| l.identifier.clone().unwrap_or_else(|| l.name.clone())).filter(|l| !l.is_empty());
    api.servers = servers(resolved);
    api.groups = groups;
    api.operations = operations;
    api.webhooks = webhooks;
    api.security_schemes = security_schemes;
    api.security = operations::requirements(resolved.global_security().unwrap_or_default());
    api.features = features;
    api.warnings = warnings;
    Ok(api)
}

/// The document's servers, each variable with a parameter name and the URL with the defaults.
fn servers(resolved: &Resolved<'_>) -> Vec<ServerUrl> {
    resolved
        .servers()
        .iter()
        .map(|server| {
            let mut taken = HashSet::new();
            let variables: Vec<ServerVariable> = server
                .variables
                .iter()
                .filter(|(name, _)| server.url.contains(&format!("{{{name}}}")))
                .map(|(name, v)| ServerVariable {
                    name: name.clone(),
                    param: names::unique(field_name(name), &mut taken, "_"),
                    default: v.default.clone(),
                    allowed: v.allowed.clone(),
                    description: v.description.clone(),
                })
                .collect();
            let url =
                variables.iter().fold(server.url.clone(), |url, v| url.replace(&format!("{{{}}}", v.name), &v.default));
            ServerUrl { url, template: server.url.clone(), variables, description: server.description.clone() }
        })
        .collect()
}

/// A type identical to one before it (same shape, same docs) becomes an alias of it: documents
/// repeat inline schemas (`ports` items in every service request, schedules per event), and one
/// definition compiles faster than several. Every name stays, so nothing callers see changes.
fn merge_identical(types: &mut [TypeDef]) {
    /// What two definitions share when they are the same type: docs, deprecation, shape, rules.
    type Identity<'a> = (&'a Option<String>, bool, &'a TypeKind, &'a Vec<Constraint>);
    let mut first: HashMap<Identity<'_>, usize> = HashMap::new();
    let mut merges = Vec::new();
    for (i, def) in types.iter().enumerate() {
        if matches!(def.kind, TypeKind::Alias(_)) {
            continue;
        }
        match first.entry((&def.docs, def.deprecated, &def.kind, &def.constraints)) {
            Entry::Occupied(canonical) => merges.push((i, types[*canonical.get()].name.clone())),
            Entry::Vacant(slot) => {
                slot.insert(i);
            }
        }
    }
    for (i, canonical) in merges {
        types[i].kind = TypeKind::Alias(TypeRef::Named(canonical));
    }
}
