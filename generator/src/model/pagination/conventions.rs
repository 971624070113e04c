//! Pagination the document does not declare but writes the way real APIs do, tried in order:
//!
//! 1. a cursor in the body sent back as a query parameter: `next_<param>` (`next_cursor` →
//!    `cursor`, `next_page_token` → `page_token`, `next_marker` → `marker`, `nextPageToken` →
//!    `pageToken`), or `<param>`/`next_<param>` inside a metadata object (Slack's
//!    `response_metadata.next_cursor`, Kubernetes' `metadata.continue`, Asana's
//!    `next_page.offset`);
//! 2. Stripe's `has_more` with the last item's `id` sent as `starting_after`;
//! 3. an offset (`offset`, `startAt`, `skip`) or page number (`page`) where the page says where
//!    the list ends (`isLast`, `has_more`/`more`, a total);
//! 4. a `next` URL in the body (`next`, `next_url`, `next_page_uri`, `nextPage`, `nextLink`…,
//!    also inside `links`, `meta`, `pagination`);
//! 5. an offset or page number with a page-size parameter (the last page is the short one);
//! 6. a `Link` header the success response declares.
//!
//! Only GET operations, only query parameters, and one candidate at each step: two cursors that
//! fit are ambiguous and nothing is guessed.

use super::{Decided, FieldPath, Page, PageEnd, PageStyle};
use crate::model::ir::TypeRef;

/// Objects that hold a page's metadata, where cursors and next links are found.
const CONTAINERS: [&str; 8] =
    ["response_metadata", "metadata", "meta", "pagination", "paging", "page_info", "next_page", "links"];
/// Fields holding the next page's URL.
const NEXT_URLS: [&str; 11] = [
    "next",
    "next_url",
    "nextUrl",
    "next_page_url",
    "nextPageUrl",
    "next_page_uri",
    "nextPageUri",
    "nextPage",
    "next_link",
    "nextLink",
    "@odata.nextLink",
];
const OFFSETS: [&str; 3] = ["offset", "startAt", "skip"];
const PAGES: [&str; 3] = ["page", "Page", "page_number"];
const SIZES: [&str; 11] = [
    "limit",
    "maxResults",
    "max_results",
    "per_page",
    "perPage",
    "page_size",
    "pageSize",
    "PageSize",
    "size",
    "count",
    "top",
];
/// Booleans saying the page is the last (`true`), and saying more follow (`false` is the last).
const LAST_FLAGS: [&str; 3] = ["isLast", "is_last", "last_page"];
const MORE_FLAGS: [&str; 4] = ["has_more", "hasMore", "more", "has_next"];
const TOTALS: [&str; 6] = ["total", "total_count", "totalCount", "total_results", "totalResults", "total_size"];

/// The pagination the conventions give, or why a list-like operation has none (`None`: not a
/// list-like operation, nothing to say).
pub(super) fn detect(page: &Page<'_>) -> Result<Decided, Option<String>> {
    let list_like = list_like(page);
    let why = |reason: String| if list_like { Some(reason) } else { None };
    match page.op.method.as_str() {
        "GET" => {}
        // A search sent as a body may page like a list; anything else changes what it lists.
        "POST" | "QUERY" => {
            return Err(why(format!("a {} (only GET lists are paged without `[pagination]`)", page.op.method)))
        }
        _ => return Err(None),
    }
    if page.body.is_none() {
        return Err(why("the success response is not one JSON type".into()));
    }
    let decided = |style: PageStyle| -> Result<Decided, Option<String>> {
        let (items, item) = page.only_items().map_err(why)?;
        Ok((style, items, item, "convention".to_owned()))
    };
    let cursors = cursors(page);
    match cursors.as_slice() {
        [(param, cursor)] => {
            return decided(PageStyle::Cursor { param: param.clone(), cursor: cursor.clone(), first_only: Vec::new() })
        }
        [] => {}
        several => {
            let listed: Vec<String> = several.iter().map(|(p, c)| format!("`{}` → `{p}`", c.wire())).collect();
            return Err(why(format!("several cursors fit ({})", listed.join(", "))));
        }
    }
    if let Some(style) = after_last(page) {
        return decided(style);
    }
    let counted = counted(page);
    if let Some(style) = counted.iter().find(|style| has_end(style)) {
        return decided(style.clone());
    }
    let urls: Vec<FieldPath> = next_urls(page);
    match urls.as_slice() {
        [next] => return decided(PageStyle::NextUrl { next: next.clone() }),
        [] => {}
        several => {
            let listed: Vec<String> = several.iter().map(|p| format!("`{}`", p.wire())).collect();
            return Err(why(format!("several next-page URLs fit ({})", listed.join(", "))));
        }
    }
    if let Some(style) = counted.into_iter().next() {
        return decided(style);
    }
    if page.declares_link_header() {
        return decided(PageStyle::LinkHeader);
    }
    Err(why(format!(
        "no field gives the next page's cursor or URL for its parameters ({})",
        paging_params(page).iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ")
    )))
}

/// A GET (or other) operation that returns a list and takes a parameter that pages: the kind
/// of operation one expects to page, reported when it does not.
fn list_like(page: &Page<'_>) -> bool {
    let holds_list = match page.body {
        Some(TypeRef::List(_)) => true,
        Some(body) => page
            .lookup
            .structure(body)
            .is_some_and(|s| s.fields.iter().any(|f| matches!(page.lookup.unalias(&f.ty), TypeRef::List(_)))),
        None => false,
    };
    holds_list && !paging_params(page).is_empty()
}

/// The query parameters whose names say they page (`limit`, `cursor`, `offset`, `page_token`…).
fn paging_params<'a>(page: &Page<'a>) -> Vec<&'a str> {
    const WORDS: [&str; 13] = [
        "limit",
        "offset",
        "cursor",
        "page",
        "marker",
        "after",
        "before",
        "continue",
        "startat",
        "skip",
        "maxresults",
        "perpage",
        "pagesize",
    ];
    page.query_names()
        .into_iter()
        .filter(|name| {
            let folded = name.to_ascii_lowercase().replace(['_', '-'], "");
            WORDS.iter().any(|word| folded.contains(word))
        })
        .collect()
}

/// Every (query parameter, response field) pair that reads as a cursor sent back.
fn cursors(page: &Page<'_>) -> Vec<(String, FieldPath)> {
    let mut found = Vec::new();
    for param in page.op.params.iter().filter(|p| p.location == super::Location::Query) {
        if !page.lookup.is_text(&param.ty) {
            continue;
        }
        let name = param.wire.as_str();
        let mut candidates: Vec<Vec<String>> = next_names(name).into_iter().map(|n| vec![n]).collect();
        // Dropshot's pages without the extension: `next_page` answers `page_token`.
        if name == "page_token" {
            candidates.push(vec!["next_page".into()]);
        }
        for container in CONTAINERS {
            // The parameter's own name inside metadata only for names that are cursors: a
            // Kubernetes list's `metadata.resourceVersion` is not the next page's.
            if container == "next_page" || is_cursor_name(name) {
                candidates.push(vec![container.into(), name.into()]);
            }
            candidates.extend(next_names(name).into_iter().map(|n| vec![container.into(), n]));
        }
        for candidate in candidates {
            let wires: Vec<&str> = candidate.iter().map(String::as_str).collect();
            if let Ok(path) = page.path(&wires) {
                let last = path.0.last().map(|step| &step.ty);
                if last.is_some_and(|ty| page.lookup.is_text(ty)) {
                    found.push((param.wire.clone(), path));
                }
            }
        }
    }
    found
}

/// Names that only a cursor has: `cursor`, `page_token`, `continue`, `marker`, `after`.
fn is_cursor_name(name: &str) -> bool {
    let folded = name.to_ascii_lowercase();
    ["cursor", "token", "continue", "marker", "after"].iter().any(|word| folded.contains(word))
}

/// `next_cursor` and `nextCursor` for `cursor`.
fn next_names(param: &str) -> Vec<String> {
    let mut upper = param.chars();
    let camel = upper.next().map(|first| format!("next{}{}", first.to_ascii_uppercase(), upper.as_str()));
    std::iter::once(format!("next_{param}")).chain(camel).collect()
}

/// Stripe's lists: `starting_after`, a boolean `has_more`, items with an `id`.
fn after_last(page: &Page<'_>) -> Option<PageStyle> {
    let param = page.query("starting_after").filter(|p| page.lookup.is_text(&p.ty))?;
    let has_more = page.path(&["has_more"]).ok().filter(|path| is_bool(page, path))?;
    let (_, item) = page.only_items().ok()?;
    let id = page.lookup.structure(&item)?.fields.iter().find(|f| f.wire == "id")?;
    Some(PageStyle::AfterLast {
        param: param.wire.clone(),
        has_more,
        id: super::FieldStep {
            name: id.name.clone(),
            wire: id.wire.clone(),
            presence: super::Presence::of(id),
            ty: id.ty.clone(),
        },
    })
}

/// The offset or page-number styles the parameters allow (integers, an offset first), each
/// with what the page says of its end.
fn counted(page: &Page<'_>) -> Vec<PageStyle> {
    let integer = |names: &[&str]| {
        names.iter().find_map(|name| page.query(name).filter(|p| page.lookup.is_integer(&p.ty))).map(|p| p.wire.clone())
    };
    let size = integer(&SIZES);
    let end = end_of(page);
    let mut styles = Vec::new();
    if let Some(param) = integer(&OFFSETS) {
        styles.push(PageStyle::Offset { param, size: size.clone(), end: end.clone() });
    }
    if let Some(param) = integer(&PAGES) {
        let first = page.query(&param).map_or(1, first_page);
        styles.push(PageStyle::PageNumber { param, first, size: size.clone(), end });
    }
    // Without a page size, a list that says nothing of its end cannot be told from one page.
    styles.retain(|style| has_end(style) || size.is_some());
    styles
}

/// The first page number: the parameter's minimum when it says 0, else 1.
fn first_page(param: &super::Param) -> u64 {
    let zero = param
        .constraints
        .iter()
        .any(|c| matches!(c, crate::model::ir::Constraint::Minimum { value, .. } if value == "0"));
    if zero {
        0
    } else {
        1
    }
}

fn has_end(style: &PageStyle) -> bool {
    match style {
        PageStyle::Offset { end, .. } | PageStyle::PageNumber { end, .. } => end.last.is_some() || end.total.is_some(),
        _ => false,
    }
}

/// The page's own word on its end: a flag (top level), a total (top level).
pub(super) fn end_of(page: &Page<'_>) -> PageEnd {
    let flag = |names: &[&str]| names.iter().find_map(|name| page.path(&[name]).ok().filter(|p| is_bool(page, p)));
    let last = flag(&LAST_FLAGS).map(|path| (path, true)).or_else(|| flag(&MORE_FLAGS).map(|path| (path, false)));
    let total = TOTALS.iter().find_map(|name| {
        page.path(&[name]).ok().filter(|path| path.0.last().is_some_and(|step| page.lookup.is_integer(&step.ty)))
    });
    PageEnd { last, total }
}

fn is_bool(page: &Page<'_>, path: &FieldPath) -> bool {
    path.0.last().is_some_and(|step| page.lookup.is_bool(&step.ty))
}

/// Text fields that hold the next page's URL, at the top or in a metadata object.
fn next_urls(page: &Page<'_>) -> Vec<FieldPath> {
    let mut candidates: Vec<Vec<&str>> = NEXT_URLS.iter().map(|name| vec![*name]).collect();
    for container in CONTAINERS {
        candidates.extend(NEXT_URLS.iter().map(|name| vec![container, *name]));
    }
    // JSON:API and Paddle nest them one more level (`meta.pagination.next`).
    candidates.extend(NEXT_URLS.iter().map(|name| vec!["meta", "pagination", *name]));
    candidates
        .into_iter()
        .filter_map(|wires| page.path(&wires).ok())
        .filter(|path| path.0.last().is_some_and(|step| page.lookup.is_text(&step.ty)))
        .collect()
}
