use std::path::Path;

use super::{PageStyle, Pagination, PagingRule, PagingStyle, Presence};
use crate::model::testing::model;
use crate::model::Api;

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n";

/// A GET `/things` (`listThings`) with these query parameters (`name: type`) answering this
/// JSON schema (a flow mapping), and `extra` written into the operation.
fn list(params: &[(&str, &str)], response: &str, extra: &str) -> String {
    let params: String = params
        .iter()
        .map(|(name, ty)| format!("        - {{name: {name}, in: query, schema: {{type: {ty}}}}}\n"))
        .collect();
    format!(
        "{HEAD}  /things:\n    get:\n      operationId: listThings\n{extra}      parameters:\n{params}      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {response}\n"
    )
}

const THING: &str = "{type: object, required: [id], properties: {id: {type: string}}}";

fn paging(api: &Api) -> Option<&Pagination> {
    api.operations[0].pagination.as_ref()
}

fn wire(style: &PageStyle) -> String {
    match style {
        PageStyle::Cursor { param, cursor, .. } => format!("cursor {param} <- {}", cursor.wire()),
        PageStyle::AfterLast { param, has_more, id } => {
            format!("has_more {param} <- {} / {}", has_more.wire(), id.wire)
        }
        PageStyle::NextUrl { next } => format!("next URL {}", next.wire()),
        PageStyle::LinkHeader => "Link header".into(),
        PageStyle::Offset { param, size, end } => format!(
            "offset {param} size {size:?} last {:?} total {:?}",
            end.last.as_ref().map(|(p, v)| (p.wire(), *v)),
            end.total.as_ref().map(|p| p.wire())
        ),
        PageStyle::PageNumber { param, first, size, .. } => format!("page {param} from {first} size {size:?}"),
    }
}

fn detected(document: &str) -> String {
    let api = model(document);
    let found = paging(&api).unwrap_or_else(|| panic!("not paginated: {:?}", api.operations[0].unpaged));
    format!("{} [{}] items {}", wire(&found.style), found.source, found.items.wire())
}

#[test]
fn cursors_sent_back_by_convention() {
    let items = format!("{{type: array, items: {THING}}}");
    let slack = format!(
        "{{type: object, properties: {{ok: {{type: boolean}}, members: {items}, response_metadata: {{type: object, properties: {{next_cursor: {{type: string}}}}}}}}}}"
    );
    assert_eq!(
        detected(&list(&[("cursor", "string"), ("limit", "integer")], &slack, "")),
        "cursor cursor <- response_metadata.next_cursor [convention] items members"
    );
    let token =
        format!("{{type: object, properties: {{data: {items}, next_page_token: {{type: string, nullable: true}}}}}}");
    assert_eq!(
        detected(&list(&[("page_token", "string")], &token, "")),
        "cursor page_token <- next_page_token [convention] items data"
    );
    let kubernetes = format!(
        "{{type: object, properties: {{items: {items}, metadata: {{type: object, properties: {{continue: {{type: string}}}}}}}}}}"
    );
    assert_eq!(
        detected(&list(&[("continue", "string"), ("limit", "integer")], &kubernetes, "")),
        "cursor continue <- metadata.continue [convention] items items"
    );
}

#[test]
fn stripe_offsets_next_urls_and_link_headers() {
    let items = format!("{{type: array, items: {THING}}}");
    let stripe =
        format!("{{type: object, required: [has_more], properties: {{data: {items}, has_more: {{type: boolean}}}}}}");
    assert_eq!(
        detected(&list(&[("starting_after", "string"), ("limit", "integer")], &stripe, "")),
        "has_more starting_after <- has_more / id [convention] items data"
    );
    let jira = format!(
        "{{type: object, properties: {{values: {items}, startAt: {{type: integer}}, isLast: {{type: boolean}}, total: {{type: integer, format: int64}}, nextPage: {{type: string}}}}}}"
    );
    assert_eq!(
        detected(&list(&[("startAt", "integer"), ("maxResults", "integer")], &jira, "")),
        "offset startAt size Some(\"maxResults\") last Some((\"isLast\", true)) total Some(\"total\") [convention] items values"
    );
    let twilio = format!(
        "{{type: object, properties: {{things: {items}, next_page_uri: {{type: string}}, page: {{type: integer}}}}}}"
    );
    assert_eq!(
        detected(&list(&[("Page", "integer"), ("PageSize", "integer"), ("PageToken", "string")], &twilio, "")),
        "next URL next_page_uri [convention] items things"
    );
    let github = format!(
        "{HEAD}  /things:\n    get:\n      operationId: listThings\n      parameters: [{{name: per_page, in: query, schema: {{type: string}}}}]\n      responses:\n        '200':\n          description: ok\n          headers: {{Link: {{schema: {{type: string}}}}}}\n          content: {{application/json: {{schema: {items}}}}}\n"
    );
    assert_eq!(detected(&github), "Link header [convention] items ");
}

#[test]
fn extensions_say_how_their_operations_page() {
    let items = format!("{{type: array, items: {THING}}}");
    let dropshot = format!("{{type: object, required: [items], properties: {{items: {items}, next_page: {{type: string, nullable: true}}}}}}");
    let document = list(
        &[("limit", "integer"), ("page_token", "string"), ("project", "string"), ("sort_by", "string")],
        &dropshot,
        "      x-dropshot-pagination: {required: [project]}\n",
    );
    assert_eq!(detected(&document), "cursor page_token <- next_page [x-dropshot-pagination] items items");
    // The token carries the scan parameters: `sort_by` goes with the first page only, the
    // `required` `project` with every page.
    let api = model(&document);
    let Some(PageStyle::Cursor { first_only, .. }) = paging(&api).map(|p| &p.style) else { panic!() };
    assert_eq!(first_only, &["sort_by"]);

    let two_lists = format!("{{type: object, properties: {{data: {items}, also: {items}, meta: {{type: object, properties: {{after: {{type: string}}}}}}}}}}");
    let fern = "      x-fern-pagination: {cursor: $request.since, next_cursor: $response.meta.after, results: $response.data}\n";
    assert_eq!(
        detected(&list(&[("since", "string")], &two_lists, fern)),
        "cursor since <- meta.after [x-fern-pagination] items data"
    );
    let speakeasy = "      x-speakeasy-pagination: {type: offsetLimit, inputs: [{name: skip, in: parameters, type: offset}, {name: take, in: parameters, type: limit}], outputs: {results: $.data}}\n";
    assert_eq!(
        detected(&list(&[("skip", "integer"), ("take", "integer")], &two_lists, speakeasy)),
        "offset skip size Some(\"take\") last None total None [x-speakeasy-pagination] items data"
    );
}

/// An extension naming what the operation lacks is the document's mistake: a warning with its
/// pointer, and the conventions decide.
#[test]
fn an_extension_naming_a_missing_field_is_a_warning() {
    let items = format!("{{type: array, items: {THING}}}");
    let page = format!("{{type: object, properties: {{data: {items}}}}}");
    let api = model(&list(
        &[("cursor", "string")],
        &page,
        "      x-fern-pagination: {cursor: $request.cursor, next_cursor: $response.next}\n",
    ));
    assert!(paging(&api).is_none());
    let warning = api.warnings.iter().find(|w| w.message.contains("no field `next`")).expect("a warning");
    assert!(warning.pointer.to_string().contains("x-fern-pagination"), "{warning}");
}

#[test]
fn ambiguous_lists_are_left_with_their_reason() {
    let items = format!("{{type: array, items: {THING}}}");
    let two_lists = format!("{{type: object, properties: {{a: {items}, b: {items}, next_cursor: {{type: string}}}}}}");
    let api = model(&list(&[("cursor", "string")], &two_lists, ""));
    assert!(paging(&api).is_none());
    let reason = api.operations[0].unpaged.as_deref().unwrap();
    assert!(reason.contains("several list fields (`a`, `b`)"), "{reason}");

    // Discord's `after`: a list and a parameter that pages, but nothing says the next value.
    let api = model(&list(&[("after", "string"), ("limit", "integer")], &items, ""));
    assert!(paging(&api).is_none());
    assert!(api.operations[0].unpaged.as_deref().unwrap().contains("`after`, `limit`"));

    // A list without any parameter that pages is not list-like: nothing to report.
    let api = model(&list(&[("ids", "string")], &items, ""));
    assert!(paging(&api).is_none() && api.operations[0].unpaged.is_none());
}

fn with_rules(document: &str, rules: Vec<PagingRule>) -> Result<Api, String> {
    let options =
        crate::Options { pagination: rules, ..crate::Options::new("t", crate::RuntimeDependency::Path("r".into())) };
    let loaded = crate::load::parse(Path::new("t.yaml"), document).unwrap();
    let resolved = crate::resolve::resolve(&loaded).unwrap();
    crate::model::build(&resolved, &options).map_err(|e| e.to_string())
}

fn rule(operations: &str, style: PagingStyle) -> PagingRule {
    PagingRule { operations: operations.into(), style, param: None, next: None, items: None, size: None }
}

#[test]
fn configuration_decides_where_the_document_is_ambiguous() {
    let items = format!("{{type: array, items: {THING}}}");
    let two_lists = format!("{{type: object, properties: {{a: {items}, b: {items}, meta: {{type: object, properties: {{after: {{type: string}}}}}}}}}}");
    let document = list(&[("from", "string")], &two_lists, "");
    let chosen = PagingRule {
        param: Some("from".into()),
        next: Some("meta.after".into()),
        items: Some("b".into()),
        ..rule("list*", PagingStyle::Cursor)
    };
    let api = with_rules(&document, vec![chosen.clone()]).unwrap();
    let found = paging(&api).unwrap();
    assert_eq!(wire(&found.style), "cursor from <- meta.after");
    assert_eq!((found.source.as_str(), found.items.wire()), ("apigen.toml", "b".to_owned()));
    assert_eq!(found.items.0[0].presence, Presence::Option);
    assert_eq!((found.stream_fn.as_str(), found.pages_fn.as_str()), ("list_things_stream", "list_things_pages"));

    // Every name must exist, and the error says which and what there is.
    let error =
        with_rules(&document, vec![PagingRule { next: Some("meta.before".into()), ..chosen.clone() }]).unwrap_err();
    assert!(error.contains("`next = \"meta.before\"`: `meta` has no field `before`"), "{error}");
    let error = with_rules(&document, vec![PagingRule { param: Some("since".into()), ..chosen.clone() }]).unwrap_err();
    assert!(error.contains("no query parameter `since` (it has: `from`)"), "{error}");
    let error = with_rules(&document, vec![PagingRule { items: Some("meta".into()), ..chosen.clone() }]).unwrap_err();
    assert!(error.contains("`meta` is not a list"), "{error}");
    let error = with_rules(&document, vec![rule("listThing", PagingStyle::LinkHeader)]).unwrap_err();
    assert!(error.contains("entry `listThing` names no operation") && error.contains("listThings"), "{error}");
    let error =
        with_rules(&document, vec![rule("GET /things", PagingStyle::None), rule("listThings", PagingStyle::None)])
            .unwrap_err();
    assert!(error.contains("both name operation `listThings`"), "{error}");

    // `none` turns off what the conventions would find.
    let cursor = format!("{{type: object, properties: {{a: {items}, next_cursor: {{type: string}}}}}}");
    let document = list(&[("cursor", "string")], &cursor, "");
    assert!(paging(&model(&document)).is_some());
    assert!(paging(&with_rules(&document, vec![rule("GET /things", PagingStyle::None)]).unwrap()).is_none());
}
