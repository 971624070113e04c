//! Doc comments from document text, made safe for rustdoc.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::Constraint;

/// `#[doc = "…"]` lines for text the generator composed (document text inside it already went
/// through [`clean`]).
pub fn doc(text: &str) -> TokenStream {
    let attrs = text.trim_end().lines().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote!(#[doc = #line])
    });
    quote!(#(#attrs)*)
}

/// Document text made safe for rustdoc. Its Markdown is kept, but code it contains must not
/// become a doctest: fences get the `text` language and deep indentation (an indented code block
/// in Markdown) is reduced.
pub fn clean(text: &str) -> String {
    sanitize(text).join("\n")
}

fn sanitize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    for line in text.trim_end().lines() {
        let line = line.trim_end();
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            let fence = &trimmed[..3];
            out.push(if in_fence { fence.to_owned() } else { format!("{fence}text") });
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(line.to_owned());
            continue;
        }
        let indent = line.len() - trimmed.len();
        out.push(format!("{}{}", " ".repeat(indent.min(3)), trimmed));
    }
    if in_fence {
        out.push("```".to_owned());
    }
    // Leading blank lines would make an empty summary.
    while out.first().is_some_and(|l| l.is_empty()) {
        out.remove(0);
    }
    out
}

/// Text inside backticks in rustdoc, with backticks it contains neutralised.
pub fn code(text: &str) -> String {
    format!("`{}`", text.replace('`', "'"))
}

/// What the document requires of a value beyond its type, as a phrase: ``format `uri`; matches
/// `^AC[0-9a-f]{32}$`; exactly 34 characters``. `None` when it requires nothing more.
pub fn constraints_text(constraints: &[Constraint]) -> Option<String> {
    fn range(min: Option<u64>, max: Option<u64>, unit: &str) -> String {
        let plural = |n: u64| if n == 1 { unit.to_owned() } else { format!("{unit}s") };
        match (min, max) {
            (Some(min), Some(max)) if min == max => format!("exactly {min} {}", plural(min)),
            (Some(min), Some(max)) => format!("{min} to {max} {}", plural(max)),
            (Some(min), None) => format!("at least {min} {}", plural(min)),
            (None, Some(max)) => format!("at most {max} {}", plural(max)),
            (None, None) => String::new(),
        }
    }
    let parts: Vec<String> = constraints
        .iter()
        .map(|c| match c {
            Constraint::Format(format) => format!("format {}", code(format)),
            Constraint::Pattern(pattern) => format!("matches {}", code(pattern)),
            Constraint::Length { min, max } => range(*min, *max, "character"),
            Constraint::Minimum { value, exclusive: true } => format!("greater than {value}"),
            Constraint::Minimum { value, exclusive: false } => format!("at least {value}"),
            Constraint::Maximum { value, exclusive: true } => format!("less than {value}"),
            Constraint::Maximum { value, exclusive: false } => format!("at most {value}"),
            Constraint::MultipleOf(step) => format!("a multiple of {step}"),
            Constraint::Items { min, max } => range(*min, *max, "item"),
            Constraint::UniqueItems => "items unique".to_owned(),
            Constraint::Properties { min, max } => range(*min, *max, "member"),
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// One line: newlines folded into spaces (list items, table cells).
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraints_read_as_a_phrase() {
        let text = constraints_text(&[
            Constraint::Format("uri".into()),
            Constraint::Pattern("^a`b$".into()),
            Constraint::Length { min: Some(34), max: Some(34) },
            Constraint::Minimum { value: "0".into(), exclusive: true },
            Constraint::Items { min: Some(1), max: Some(5) },
        ]);
        assert_eq!(text.as_deref(), Some("format `uri`; matches `^a'b$`; exactly 34 characters; greater than 0; 1 to 5 items"));
        assert_eq!(constraints_text(&[]), None);
    }

    #[test]
    fn fences_become_text_and_indentation_is_capped() {
        let lines = sanitize("\nSummary\n\n```json\n{\"a\": 1}\n```\n        indented\n  - item");
        assert_eq!(lines, ["Summary", "", "```text", "{\"a\": 1}", "```", "   indented", "  - item"]);
        assert_eq!(sanitize("```\nopen"), ["```text", "open", "```"]);
    }
}
