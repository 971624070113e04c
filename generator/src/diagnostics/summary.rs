//! Warnings summarised for a person: a large document gives hundreds of warnings that say the
//! same thing about different places (a `4XX` range on every operation), and a list that long
//! hides the one warning that matters. [`group`] gathers them by kind, [`fallbacks`] counts the
//! operations and types they touch.

use std::collections::{BTreeMap, BTreeSet};

use super::Warning;

/// Warnings that say the same thing about different places.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WarningGroup<'a> {
    /// The message with its particulars (names, quoted values, pointers, numbers) left out.
    pub kind: String,
    /// Every warning of the kind, in the order generation gave them.
    pub warnings: Vec<&'a Warning>,
}

impl Warning {
    /// What the warning says, without what it says it of: code spans, quoted text, pointers and
    /// numbers are replaced by `…`, so that "property `a` has no schema" and "property `b` has
    /// no schema" are one kind. Built from the text rather than from a list of kinds so that a
    /// warning added anywhere in the pipeline is grouped without being registered.
    pub fn kind(&self) -> String {
        let mut kind = String::with_capacity(self.message.len());
        let mut chars = self.message.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '`' | '"' => {
                    for inner in chars.by_ref() {
                        if inner == c {
                            break;
                        }
                    }
                    kind.push('…');
                }
                '#' if chars.peek() == Some(&'/') => {
                    while chars.peek().is_some_and(|c| !c.is_whitespace() && !matches!(c, ';' | ',' | ')')) {
                        chars.next();
                    }
                    kind.push('…');
                }
                c if c.is_ascii_digit() && !kind.ends_with(|p: char| p.is_alphanumeric()) => {
                    while chars.peek().is_some_and(|c| c.is_ascii_alphanumeric()) {
                        chars.next();
                    }
                    kind.push('…');
                }
                c => kind.push(c),
            }
        }
        kind
    }
}

/// The warnings gathered by [`Warning::kind`]: the most frequent kind first, then by kind, so
/// that the summary is the same on every run.
pub fn group(warnings: &[Warning]) -> Vec<WarningGroup<'_>> {
    let mut by_kind: BTreeMap<String, Vec<&Warning>> = BTreeMap::new();
    for warning in warnings {
        by_kind.entry(warning.kind()).or_default().push(warning);
    }
    let mut groups: Vec<WarningGroup<'_>> =
        by_kind.into_iter().map(|(kind, warnings)| WarningGroup { kind, warnings }).collect();
    groups.sort_by(|a, b| b.warnings.len().cmp(&a.warnings.len()).then_with(|| a.kind.cmp(&b.kind)));
    groups
}

/// How many operations and named types have a part that fell back to a safe type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Fallbacks {
    pub operations: usize,
    pub types: usize,
}

/// Counts the operations (`/paths/{path}/{method}`, `/webhooks/{name}/{method}`) and the named
/// types (`/components/schemas/{name}`, Swagger 2.0's `/definitions/{name}`) with at least one
/// [`Warning::fell_back`] warning, each once; one elsewhere (a parameter component) counts in
/// neither.
pub fn fallbacks(warnings: &[Warning]) -> Fallbacks {
    let mut operations = BTreeSet::new();
    let mut types = BTreeSet::new();
    for warning in warnings.iter().filter(|warning| warning.fell_back) {
        let file = warning.pointer.file().map(|f| f.display().to_string()).unwrap_or_default();
        let segments: Vec<String> = warning.pointer.segments().take(3).collect();
        match segments.as_slice() {
            [root, path, method] if root == "paths" || root == "webhooks" => {
                operations.insert((file, path.clone(), method.clone()));
            }
            [components, section, name, ..] if components == "components" && section == "schemas" => {
                types.insert((file, name.clone()));
            }
            [definitions, name, ..] if definitions == "definitions" => {
                types.insert((file, name.clone()));
            }
            _ => {}
        }
    }
    Fallbacks { operations: operations.len(), types: types.len() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pointer::Pointer;

    fn warning(pointer: &str, message: &str) -> Warning {
        Warning::new(Pointer::from_fragment(pointer).unwrap(), message)
    }

    #[test]
    fn warnings_that_differ_only_in_names_pointers_and_numbers_are_one_kind() {
        let a = warning("/a", "required property `id` has no schema; typed as serde_json::Value");
        let b = warning("/b", "required property `name` has no schema; typed as serde_json::Value");
        let c = warning(
            "/c",
            "this property conflicts with its definition at #/components/schemas/Tag/x; this later one is used",
        );
        let d =
            warning("/d", "this property conflicts with its definition at #/definitions/Log/y; this later one is used");
        let e = warning("/e", "status range 4XX is documented but matched as any error");
        let f = warning("/f", "status range 5XX is documented but matched as any error");
        assert_eq!(a.kind(), b.kind());
        assert_eq!(c.kind(), d.kind());
        assert_eq!(e.kind(), f.kind());
        assert_ne!(a.kind(), c.kind());
        assert_eq!(a.kind(), "required property … has no schema; typed as serde_json::Value");
        assert_eq!(c.kind(), "this property conflicts with its definition at …; this later one is used");
        assert_eq!(e.kind(), "status range … is documented but matched as any error");
    }

    #[test]
    fn groups_come_most_frequent_first_and_keep_every_warning_in_order() {
        let warnings = vec![
            warning("/1", "lone `x` warning"),
            warning("/2", "status range 4XX is documented but matched as any error"),
            warning("/3", "status range 5XX is documented but matched as any error"),
        ];
        let groups = group(&warnings);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].warnings.iter().map(|w| w.pointer.as_str()).collect::<Vec<_>>(), ["/2", "/3"]);
        assert_eq!(groups[1].warnings.len(), 1);
        assert_eq!(groups.iter().map(|g| g.warnings.len()).sum::<usize>(), warnings.len());
    }

    #[test]
    fn fallbacks_count_each_operation_and_type_once() {
        let fallback = |pointer: &str| Warning::fallback(Pointer::from_fragment(pointer).unwrap(), "m");
        let warnings = vec![
            fallback("/paths/~1pets/get/responses/200"),
            fallback("/paths/~1pets/get/parameters/0"),
            fallback("/paths/~1pets/post"),
            fallback("/components/schemas/Pet/properties/a"),
            fallback("/components/schemas/Pet/properties/b"),
            fallback("/definitions/Owner"),
            fallback("/components/parameters/limit"),
            // A keyword ignored is not a fallback.
            warning("/paths/~1other/get", "m"),
            warning("/components/schemas/Other", "m"),
        ];
        assert_eq!(fallbacks(&warnings), Fallbacks { operations: 2, types: 2 });
    }
}
