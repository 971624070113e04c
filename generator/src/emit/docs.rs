//! Doc comments from document text, made safe for rustdoc.
//!
//! Document text is Markdown written for a web page, and rustdoc reads it differently: a code
//! block would become a doctest, `<string>` is an unclosed HTML tag, `[optional]` an intra-doc
//! link to resolve, a bare URL is not a link. [`clean`] keeps what renders the same and
//! rewrites the rest, so that the crate documents without a warning.

use std::collections::HashMap;

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
/// in Markdown) is reduced. Outside code, bare URLs become links (`<https://…>`), a `<` that
/// does not open an HTML tag closed in the same text is escaped, reference links are written
/// inline, and brackets that would be taken for intra-doc links are escaped.
pub fn clean(text: &str) -> String {
    let lines = sanitize(text);
    let definitions = definitions(&lines);
    let tags = balanced_tags(&lines);
    let mut out = Vec::with_capacity(lines.len());
    // Prose is handled a paragraph at a time: code spans and links may span its lines.
    let mut paragraph: Vec<&str> = Vec::new();
    let flush = |paragraph: &mut Vec<&str>, out: &mut Vec<String>| {
        if !paragraph.is_empty() {
            let text = paragraph.join("\n");
            out.extend(Escaper { definitions: &definitions, tags: &tags }.prose(&text).split('\n').map(str::to_owned));
            paragraph.clear();
        }
    };
    for line in &lines {
        match line {
            Line::Code(code) => {
                flush(&mut paragraph, &mut out);
                out.push(code.clone());
            }
            Line::Prose(text) if text.trim().is_empty() => {
                flush(&mut paragraph, &mut out);
                out.push(String::new());
            }
            Line::Prose(text) if definition(text).is_some() => {}
            Line::Prose(text) => paragraph.push(text),
        }
    }
    flush(&mut paragraph, &mut out);
    // Dropped definitions may leave blank lines at either end.
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    while out.first().is_some_and(|l| l.is_empty()) {
        out.remove(0);
    }
    out.join("\n")
}

/// Document text on one line of the docs (a list item, a table cell), made safe as [`clean`]
/// makes paragraphs.
pub fn inline(text: &str) -> String {
    one_line(&clean(text))
}

enum Line {
    /// A fence or a line inside one: written as it is.
    Code(String),
    Prose(String),
}

fn sanitize(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut in_fence = false;
    for line in text.trim_end().lines() {
        let line = line.trim_end();
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            let fence = &trimmed[..3];
            out.push(Line::Code(if in_fence { fence.to_owned() } else { format!("{fence}text") }));
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(Line::Code(line.to_owned()));
            continue;
        }
        let indent = line.len() - trimmed.len();
        out.push(Line::Prose(format!("{}{}", " ".repeat(indent.min(3)), trimmed)));
    }
    if in_fence {
        out.push(Line::Code("```".to_owned()));
    }
    // Leading blank lines would make an empty summary.
    while out.first().is_some_and(|l| matches!(l, Line::Prose(p) if p.is_empty())) {
        out.remove(0);
    }
    out
}

/// `[label]: url`, a link reference definition: the label (lower case) and the URL.
fn definition(line: &str) -> Option<(String, String)> {
    let rest = line.trim_start().strip_prefix('[')?;
    let (label, rest) = rest.split_once("]:")?;
    let url = rest.split_whitespace().next()?.trim_start_matches('<').trim_end_matches('>');
    (!label.is_empty() && !label.starts_with('^') && !url.is_empty()).then(|| (label.to_lowercase(), url.to_owned()))
}

fn definitions(lines: &[Line]) -> HashMap<String, String> {
    lines
        .iter()
        .filter_map(|l| match l {
            Line::Prose(text) => definition(text),
            Line::Code(_) => None,
        })
        .collect()
}

/// HTML elements that rustdoc renders as HTML when a document uses them; any other `<name>`
/// (`<string>`, TwiML's `<Say>`) is text.
const HTML_ELEMENTS: [&str; 58] = [
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "font",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "tt",
    "u",
    "ul",
];

/// Elements that have no closing tag.
const VOID_ELEMENTS: [&str; 4] = ["br", "hr", "img", "col"];

/// An HTML tag at the start of `text`: its length, its element name (lower case) and whether it
/// closes (`</b>`). `None` when `text` does not start with one (`< 5`, `<user_id>`).
fn html_tag(text: &str) -> Option<(usize, String, bool)> {
    let rest = text.strip_prefix('<')?;
    let (closing, rest) = match rest.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    let name_len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).unwrap_or(rest.len());
    let name = &rest[..name_len];
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let after = &rest[name_len..];
    // Attributes up to `>`, on the tag's line; a name followed by anything else is no tag.
    if !(after.starts_with('>') || after.starts_with("/>") || after.starts_with(char::is_whitespace)) {
        return None;
    }
    let end = after.find(['>', '\n', '<'])?;
    if after.as_bytes()[end] != b'>' {
        return None;
    }
    let len = 1 + usize::from(closing) + name_len + end + 1;
    Some((len, name.to_ascii_lowercase(), closing))
}

/// The HTML elements whose tags the text opens and closes as often: those are kept as HTML,
/// and every other tag is escaped (rustdoc warns of an unclosed one, and hides an unknown one).
fn balanced_tags(lines: &[Line]) -> Vec<String> {
    let mut counts: HashMap<String, (usize, usize)> = HashMap::new();
    for line in lines {
        let Line::Prose(text) = line else { continue };
        for (at, _) in text.match_indices('<') {
            if let Some((_, name, closing)) = html_tag(&text[at..]) {
                let count = counts.entry(name).or_default();
                if closing {
                    count.1 += 1;
                } else {
                    count.0 += 1;
                }
            }
        }
    }
    counts
        .into_iter()
        .filter(|(name, (open, close))| {
            HTML_ELEMENTS.contains(&name.as_str())
                && (open == close || (VOID_ELEMENTS.contains(&name.as_str()) && *close == 0))
        })
        .map(|(name, _)| name)
        .collect()
}

struct Escaper<'a> {
    definitions: &'a HashMap<String, String>,
    /// Elements kept as HTML.
    tags: &'a [String],
}

impl Escaper<'_> {
    /// A paragraph of prose (no code block in it).
    fn prose(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 16);
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            let step = match c {
                '\\' => {
                    // An escape stays one: the character after the backslash is literal.
                    let len = rest[1..].chars().next().map_or(1, |next| 1 + next.len_utf8());
                    out.push_str(&rest[..len]);
                    len
                }
                '`' => match code_span(rest) {
                    Some(len) => {
                        out.push_str(&rest[..len]);
                        len
                    }
                    None => {
                        // A run with no closing run is literal backticks.
                        let len = rest.find(|c| c != '`').unwrap_or(rest.len());
                        out.push_str(&rest[..len]);
                        len
                    }
                },
                '<' => self.angle(rest, &mut out),
                '[' => self.bracket(rest, &mut out),
                '!' if rest.starts_with("![") => {
                    out.push('!');
                    1 + self.bracket(&rest[1..], &mut out)
                }
                'h' | 'H' if url_start(rest) && !follows_word(&out) => {
                    let len = url_len(rest);
                    out.push('<');
                    out.push_str(&rest[..len]);
                    out.push('>');
                    len
                }
                c => {
                    out.push(c);
                    c.len_utf8()
                }
            };
            rest = &rest[step..];
        }
        out
    }

    /// At a `<`: an autolink or a kept HTML tag as written, anything else escaped.
    fn angle(&self, rest: &str, out: &mut String) -> usize {
        if let Some(len) = autolink(rest) {
            out.push_str(&rest[..len]);
            return len;
        }
        if let Some((len, name, _)) = html_tag(rest) {
            if self.tags.contains(&name) {
                out.push_str(&rest[..len]);
                return len;
            }
        }
        out.push_str("\\<");
        1
    }

    /// At a `[` (or the `[` of an image): a link with a target stays; a reference to a
    /// definition in the text becomes an inline link; anything else rustdoc would try to
    /// resolve as an item path, so its brackets are escaped.
    fn bracket(&self, rest: &str, out: &mut String) -> usize {
        let Some(close) = matching(rest, '[', ']') else {
            out.push_str("\\[");
            return 1;
        };
        let label = &rest[1..close];
        let after = &rest[close + 1..];
        if after.starts_with('(') {
            if let Some(end) = matching(after, '(', ')') {
                let target = &after[1..end];
                if looks_like_path(target) {
                    // A page of the document's own site, which rustdoc would look for as an
                    // item of this crate: the text alone.
                    out.push_str(&self.prose(label));
                } else {
                    out.push('[');
                    out.push_str(&self.prose(label));
                    out.push(']');
                    out.push_str(&after[..=end]);
                }
                return close + 1 + end + 1;
            }
        }
        // `[text][ref]`, `[text][]` and `[text]`.
        let (reference, len) = match after.strip_prefix('[').and_then(|a| a.find(']').map(|end| (&a[..end], end))) {
            Some((reference, end)) if !reference.contains('[') => {
                (if reference.is_empty() { label } else { reference }, close + 1 + end + 2)
            }
            _ => (label, close + 1),
        };
        if label.starts_with('^') {
            // A footnote: rustdoc's own.
            out.push_str(&rest[..len]);
            return len;
        }
        match self.definitions.get(&reference.to_lowercase()) {
            Some(url) => out.push_str(&format!("[{}](<{url}>)", self.prose(label))),
            None => {
                out.push_str("\\[");
                out.push_str(&self.prose(label));
                out.push_str("\\]");
                if len > close + 1 {
                    out.push_str("\\[");
                    out.push_str(&self.prose(&rest[close + 2..len - 1]));
                    out.push_str("\\]");
                }
            }
        }
        len
    }
}

/// The length of the code span starting `text` (a run of backticks, then the same run), within
/// its paragraph.
fn code_span(text: &str) -> Option<usize> {
    let run = text.find(|c| c != '`').unwrap_or(text.len());
    let mut at = run;
    while let Some(found) = text[at..].find('`') {
        let start = at + found;
        let len = text[start..].find(|c| c != '`').unwrap_or(text.len() - start);
        if len == run {
            return Some(start + len);
        }
        at = start + len;
    }
    None
}

/// The position of the bracket closing the one `text` starts with, nesting and escapes counted.
fn matching(text: &str, open: char, close: char) -> Option<usize> {
    let mut depth = 0;
    let mut chars = text.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            c if c == open => depth += 1,
            c if c == close => {
                depth -= 1;
                if depth == 0 {
                    return Some(at);
                }
            }
            _ => {}
        }
    }
    None
}

/// The length of `<scheme:…>` or `<user@host>` starting `text`.
fn autolink(text: &str) -> Option<usize> {
    let end = text.find('>')?;
    let inner = &text[1..end];
    if inner.is_empty() || inner.contains(|c: char| c.is_whitespace() || c == '<') {
        return None;
    }
    let scheme = inner.split_once(':').is_some_and(|(scheme, _)| {
        scheme.len() >= 2 && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    });
    (scheme || inner.contains('@')).then_some(end + 1)
}

fn url_start(text: &str) -> bool {
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    (lower.starts_with("http://") && text.len() > 7) || (lower.starts_with("https://") && text.len() > 8)
}

/// Whether the text so far ends inside a word (`xhttp://…` is no URL).
fn follows_word(out: &str) -> bool {
    out.chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '/' || c == '=')
}

/// The length of the URL starting `text`: up to a space or a character URLs do not hold in
/// prose, without trailing punctuation or an unbalanced closing parenthesis.
fn url_len(text: &str) -> usize {
    let mut len = text.find(|c: char| c.is_whitespace() || "<>\"'`[]{}|\\^".contains(c)).unwrap_or(text.len());
    loop {
        let url = &text[..len];
        let Some(last) = url.chars().next_back() else { return len };
        let unbalanced = last == ')' && url.matches('(').count() < url.matches(')').count();
        if ".,;:!?*_~".contains(last) || unbalanced {
            len -= last.len_utf8();
        } else {
            return len;
        }
    }
}

/// A link target that rustdoc would take for an item path (`[Pet](Pet)`): no URL characters.
fn looks_like_path(target: &str) -> bool {
    let target = target.trim();
    !target.is_empty() && target.chars().all(|c| c.is_alphanumeric() || ":_<>, !*&;".contains(c))
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
        assert_eq!(
            text.as_deref(),
            Some("format `uri`; matches `^a'b$`; exactly 34 characters; greater than 0; 1 to 5 items")
        );
        assert_eq!(constraints_text(&[]), None);
    }

    #[test]
    fn fences_become_text_and_indentation_is_capped() {
        assert_eq!(
            clean("\nSummary\n\n```json\n{\"a\": 1}\n```\n        indented\n  - item"),
            "Summary\n\n```text\n{\"a\": 1}\n```\n   indented\n  - item"
        );
        assert_eq!(clean("```\nopen"), "```text\nopen\n```");
    }

    #[test]
    fn bare_urls_become_links() {
        assert_eq!(clean("See https://example.com/a_(b)."), "See <https://example.com/a_(b)>.");
        assert_eq!(clean("(e.g. https://argocd.example.com)"), "(e.g. <https://argocd.example.com>)");
        // Already links, or code: unchanged.
        for kept in ["<https://x.test>", "[x](https://x.test)", "`https://x.test`", "<a href=\"https://x.test\">x</a>"]
        {
            assert_eq!(clean(kept), kept);
        }
    }

    #[test]
    fn tags_are_kept_only_when_html_and_closed() {
        assert_eq!(clean("A <b>bold</b> move<br>"), "A <b>bold</b> move<br>");
        assert_eq!(clean("Returns <string> or <Pay> verbs"), "Returns \\<string> or \\<Pay> verbs");
        assert_eq!(clean("<p>opened, never closed"), "\\<p>opened, never closed");
        assert_eq!(clean("a < b, `Vec<u8>`"), "a \\< b, `Vec<u8>`");
    }

    #[test]
    fn brackets_are_not_intra_doc_links() {
        assert_eq!(clean("[OBSOLETE] gone"), "\\[OBSOLETE\\] gone");
        assert_eq!(clean("@[id:username]"), "@\\[id:username\\]");
        assert_eq!(
            clean("The [RFC3230][1] digest.\n\n[1]: https://tools.ietf.org/html/rfc3230"),
            "The [RFC3230](<https://tools.ietf.org/html/rfc3230>) digest."
        );
        assert_eq!(clean("see [docs](https://x.test/a) and [Pet](Pet)"), "see [docs](https://x.test/a) and Pet");
        assert_eq!(clean("a note[^1]"), "a note[^1]");
    }

    #[test]
    fn code_spans_may_cross_lines_of_a_paragraph() {
        assert_eq!(clean("`a\n<b>` c"), "`a\n<b>` c");
        assert_eq!(clean("`a\n\n<b>"), "`a\n\n\\<b>");
    }
}
