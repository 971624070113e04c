//! `apigen diff`: what a document change does to the generated crate's public Rust API.
//!
//! Both documents are modelled with the same options; each model's public surface ([`surface`]:
//! every item users can name, written as `emit` writes it) is collected and the two are
//! compared item by item ([`compare`]), each change classified by Rust's semver rules as they
//! apply to generated code ([`change`]) and rendered for people or tools ([`render`]). No crate
//! is built, and no generated text is diffed.

mod change;
mod compare;
mod render;
mod surface;

pub use change::{Change, Severity};
pub use render::{json, markdown, summary};
pub use surface::{Item, ItemKind, Surface};

use crate::model::Api;

/// Every change from the crate generated from `old` to the one generated from `new`, breaking
/// first.
pub fn diff(old: &Api, new: &Api) -> Vec<Change> {
    compare::compare(&Surface::of(old), &Surface::of(new))
}

#[cfg(test)]
mod tests;
