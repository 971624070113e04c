//! Doc comments from document text, made safe for rustdoc.

use proc_macro2::TokenStream;
use quote::quote;

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

/// One line: newlines folded into spaces (list items, table cells).
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_become_text_and_indentation_is_capped() {
        let lines = sanitize("\nSummary\n\n```json\n{\"a\": 1}\n```\n        indented\n  - item");
        assert_eq!(lines, ["Summary", "", "```text", "{\"a\": 1}", "```", "   indented", "  - item"]);
        assert_eq!(sanitize("```\nopen"), ["```text", "open", "```"]);
    }
}
