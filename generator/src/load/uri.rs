//! Just enough of RFC 3986 to resolve `$id`s and `$ref`s against each other: schemas in 3.1
//! documents may name themselves with `$id` (`https://example.com/schemas/pet`) and refer to
//! each other by those names, by relative names (`pet#/properties/id`) or by anchors (`#pet`).

/// `reference` resolved against `base` (both may be relative; the document itself is `""`).
pub fn join(base: &str, reference: &str) -> String {
    if reference.is_empty() {
        return without_fragment(base).to_owned();
    }
    if reference.starts_with('#') {
        return format!("{}{reference}", without_fragment(base));
    }
    if has_scheme(reference) {
        return normalize(reference);
    }
    let base = without_fragment(base);
    if let Some(rest) = reference.strip_prefix("//") {
        let scheme = base.split_once(':').map_or("", |(s, _)| s);
        return normalize(&format!("{scheme}://{rest}"));
    }
    let (origin, path) = split_origin(base);
    if reference.starts_with('/') {
        return normalize(&format!("{origin}{reference}"));
    }
    // Relative path: replace the base's last segment.
    let directory = match path.rfind('/') {
        Some(i) => &path[..=i],
        None => "",
    };
    normalize(&format!("{origin}{directory}{reference}"))
}

/// The URI without its `#fragment`, and the fragment (percent-encoded as written).
pub fn split_fragment(uri: &str) -> (&str, Option<&str>) {
    match uri.split_once('#') {
        Some((resource, fragment)) => (resource, Some(fragment)),
        None => (uri, None),
    }
}

fn without_fragment(uri: &str) -> &str {
    split_fragment(uri).0
}

fn has_scheme(uri: &str) -> bool {
    let Some((scheme, _)) = uri.split_once(':') else { return false };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// `https://host` and `/path/to/x` of an absolute URI; `("", uri)` of a relative one.
fn split_origin(uri: &str) -> (&str, &str) {
    if let Some(i) = uri.find("://") {
        let after = i + 3;
        let end = uri[after..].find('/').map_or(uri.len(), |j| after + j);
        (&uri[..end], &uri[end..])
    } else if has_scheme(uri) {
        let i = uri.find(':').map_or(0, |i| i + 1);
        (&uri[..i], &uri[i..])
    } else {
        ("", uri)
    }
}

/// Removes `.` and `..` segments from the path.
fn normalize(uri: &str) -> String {
    let (resource, fragment) = split_fragment(uri);
    let (origin, path) = split_origin(resource);
    if !path.contains("./") && !path.ends_with("/.") && !path.ends_with("/..") {
        return uri.to_owned();
    }
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "." => {}
            ".." => {
                if segments.len() > 1 || segments.first().is_some_and(|s| !s.is_empty()) {
                    segments.pop();
                }
            }
            other => segments.push(other),
        }
    }
    let mut joined = format!("{origin}{}", segments.join("/"));
    if path.ends_with("/.") || path.ends_with("/..") {
        joined.push('/');
    }
    match fragment {
        Some(fragment) => format!("{joined}#{fragment}"),
        None => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_like_rfc_3986() {
        assert_eq!(join("", "#/components/schemas/A"), "#/components/schemas/A");
        assert_eq!(join("https://x.com/schemas/pet", "#/properties/id"), "https://x.com/schemas/pet#/properties/id");
        assert_eq!(join("https://x.com/schemas/pet", "owner"), "https://x.com/schemas/owner");
        assert_eq!(join("https://x.com/schemas/pet", "/root"), "https://x.com/root");
        assert_eq!(join("https://x.com/a/b/c", "../d"), "https://x.com/a/d");
        assert_eq!(join("https://x.com/a", "urn:uuid:1234"), "urn:uuid:1234");
        assert_eq!(join("https://x.com/a", "//y.org/b"), "https://y.org/b");
        assert_eq!(join("", "other.yaml#/A"), "other.yaml#/A");
        assert_eq!(join("dir/doc.yaml", "./other.yaml"), "dir/other.yaml");
        assert_eq!(split_fragment("a#b"), ("a", Some("b")));
    }
}
