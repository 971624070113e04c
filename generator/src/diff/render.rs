//! The report in Markdown (a pull-request comment: summary line, breaking changes first, long
//! lists folded) and in JSON (for tools).

use serde_json::{json, Value};

use super::change::{Change, Severity};

/// Sections longer than this are folded in `<details>`.
const FOLD_AFTER: usize = 10;

pub fn summary(changes: &[Change]) -> String {
    let count = |s: Severity| changes.iter().filter(|c| c.severity == s).count();
    format!(
        "{} breaking, {} compatible, {} wire-only",
        count(Severity::Breaking),
        count(Severity::Compatible),
        count(Severity::WireOnly)
    )
}

pub fn markdown(changes: &[Change]) -> String {
    let mut out = format!("**apigen diff**: {}\n", summary(changes));
    if changes.is_empty() {
        out.push_str("\nThe generated Rust API and its wire behaviour are unchanged.\n");
        return out;
    }
    for (severity, title) in [
        (Severity::Breaking, "Breaking"),
        (Severity::Compatible, "Compatible"),
        (Severity::WireOnly, "Wire-only (same Rust API)"),
    ] {
        let section: Vec<&Change> = changes.iter().filter(|c| c.severity == severity).collect();
        if section.is_empty() {
            continue;
        }
        let fold = section.len() > FOLD_AFTER;
        out.push_str(&format!("\n### {title} ({})\n\n", section.len()));
        if fold {
            out.push_str(&format!("<details><summary>{} changes</summary>\n\n", section.len()));
        }
        out.push_str("| Rust item | change | old → new | pointer |\n| --- | --- | --- | --- |\n");
        for change in section {
            let old_new = match (&change.old, &change.new) {
                (Some(old), Some(new)) => format!("{} → {}", code(old), code(new)),
                (Some(old), None) => format!("{} → —", code(old)),
                (None, Some(new)) => format!("— → {}", code(new)),
                (None, None) => String::new(),
            };
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                code(&change.item),
                cell(&change.what),
                old_new,
                code(&change.pointer.to_string())
            ));
        }
        if fold {
            out.push_str("\n</details>\n");
        }
    }
    out
}

pub fn json(changes: &[Change]) -> Value {
    let count = |s: Severity| changes.iter().filter(|c| c.severity == s).count();
    let items: Vec<Value> = changes
        .iter()
        .map(|c| {
            json!({
                "severity": c.severity.label(),
                "item": c.item,
                "change": c.what,
                "old": c.old,
                "new": c.new,
                "pointer": c.pointer.to_string(),
                "why": c.why,
            })
        })
        .collect();
    json!({
        "breaking": count(Severity::Breaking),
        "compatible": count(Severity::Compatible),
        "wire_only": count(Severity::WireOnly),
        "changes": items,
    })
}

/// Text in a table cell as code: pipes escaped, backticks doubled around text that has some.
fn code(text: &str) -> String {
    let text = cell(text);
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
