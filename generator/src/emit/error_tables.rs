//! The error statuses operations declare, as tables shared by the operations' modules.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::one_line;
use super::rust::cfg;
use crate::model::{Api, ErrorResponse};

/// The error statuses operations declare, one `const` per distinct list: most operations of an
/// API share a handful of lists, and the tables are written once in `apis.rs` instead of in
/// every method.
pub struct ErrorTables {
    /// `ERRORS_401_403_404`, with its statuses.
    tables: Vec<(String, Vec<ErrorResponse>)>,
    /// Index of each operation's table (`None` when it declares no errors).
    by_operation: Vec<Option<usize>>,
    /// Per table, the features of the operations that use it: with tag features, a table
    /// compiles when one of them is on (empty: always, without tag features).
    gates: Vec<Vec<String>>,
}

impl ErrorTables {
    pub fn new(api: &Api) -> Self {
        let mut tables: Vec<(String, Vec<ErrorResponse>)> = Vec::new();
        let mut by_operation = Vec::with_capacity(api.operations.len());
        for op in &api.operations {
            if op.errors.is_empty() {
                by_operation.push(None);
                continue;
            }
            if let Some(i) = tables.iter().position(|(_, errors)| *errors == op.errors) {
                by_operation.push(Some(i));
                continue;
            }
            let statuses: Vec<String> =
                op.errors.iter().map(|e| e.status.map_or("DEFAULT".to_owned(), |s| s.to_string())).collect();
            let base = format!("ERRORS_{}", statuses.join("_"));
            let same_statuses =
                tables.iter().filter(|(name, _)| *name == base || name.starts_with(&format!("{base}_V"))).count();
            let name = if same_statuses == 0 { base } else { format!("{base}_V{}", same_statuses + 1) };
            tables.push((name, op.errors.clone()));
            by_operation.push(Some(tables.len() - 1));
        }
        let mut gates: Vec<Vec<String>> = vec![Vec::new(); tables.len()];
        if !api.features.is_empty() {
            for (i, gate) in gates.iter_mut().enumerate() {
                let features: std::collections::BTreeSet<&String> = api
                    .operations
                    .iter()
                    .zip(&by_operation)
                    .filter(|(_, table)| **table == Some(i))
                    .filter_map(|(op, _)| op.feature.as_ref())
                    .collect();
                // Gated even when every feature uses it: the table is private, and with no
                // feature on it would be dead code.
                *gate = features.into_iter().cloned().collect();
            }
        }
        ErrorTables { tables, by_operation, gates }
    }

    /// `super::ERRORS_…`, as the operations' modules refer to it, or `&[]`.
    pub(super) fn reference(&self, operation: usize) -> TokenStream {
        match self.by_operation[operation] {
            Some(i) => {
                let name = format_ident!("{}", self.tables[i].0);
                quote!(super::#name)
            }
            None => quote!(&[]),
        }
    }

    /// The tables as `const`s, for `apis.rs`, with the import of `ErrorStatus` they need.
    pub(super) fn consts(&self) -> TokenStream {
        let consts = self.tables.iter().zip(&self.gates).map(|((name, errors), gate)| {
            let gate = cfg(gate);
            let name = format_ident!("{name}");
            let entries = errors.iter().map(|e| {
                let description = one_line(&e.description);
                let status = e.status.map(proc_macro2::Literal::u16_unsuffixed);
                match (status, e.ty.is_some()) {
                    (Some(status), false) => quote!(ErrorStatus::new(#status, #description)),
                    (Some(status), true) => quote!(ErrorStatus::typed(#status, #description)),
                    (None, false) => quote!(ErrorStatus::default_untyped(#description)),
                    (None, true) => quote!(ErrorStatus::default_typed(#description)),
                }
            });
            quote!(#gate const #name: &[ErrorStatus] = &[#(#entries),*];)
        });
        // With tag features every table may be compiled out, and the import with it unused.
        let allow = self.gates.iter().any(|g| !g.is_empty()).then(|| quote!(#[allow(unused_imports)]));
        let import = (!self.tables.is_empty()).then(|| quote!(#allow use apigen_runtime::ErrorStatus;));
        quote! {
            #import
            #(#consts)*
        }
    }
}
