//! The 3.1 refs fixture (`generator/tests/fixtures/v31_refs.yaml`): keywords beside a `$ref`,
//! `$defs`, `$id`, `$anchor`, `$dynamicRef` and `$recursiveRef` all end in real types, and a
//! path item from `components/pathItems` is an operation like any other.

use fixture_v31_refs::types::{Color, Comment, Folder, Tree};
use fixture_v31_refs::{Client, Nullable};
use serde_json::json;
use testkit::{Reply, Server};

#[test]
fn references_beside_keywords_and_into_defs_ids_and_anchors() {
    let value = json!({
        "name": "docs",
        "owner_id": "p-1",
        "owner": {"name": "ann"},
        "parent": null,
        "color": "green",
        "size": {"bytes": 10, "files": 2},
        "tree": {"value": "root", "children": [{"value": "leaf", "children": []}], "first": {"value": "l"}},
        "label": {"text": "important"}
    });
    let folder: Folder = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(folder.parent, Nullable::Null);
    assert_eq!(folder.color, Some(Color::Green));
    assert_eq!(folder.size.as_ref().and_then(|s| s.files), Some(2));
    let tree: &Tree = folder.tree.as_ref().unwrap();
    assert_eq!(tree.children.as_ref().unwrap()[0].value.as_deref(), Some("leaf"));
    assert_eq!(folder.label.as_ref().unwrap().text.as_deref(), Some("important"));
    assert_eq!(serde_json::to_value(&folder).unwrap(), value);
}

#[test]
fn recursive_ref_is_a_recursive_type() {
    let comment: Comment =
        serde_json::from_value(json!({"text": "a", "replies": [{"text": "b", "replies": [{"text": "c"}]}]})).unwrap();
    let replies = comment.replies.unwrap();
    assert_eq!(replies[0].replies.as_ref().unwrap()[0].text.as_deref(), Some("c"));
}

#[tokio::test]
async fn a_path_item_from_components_is_called_like_any_other() {
    let server = Server::scripted(vec![
        Reply::json(200, r#"[{"name": "a", "owner_id": "p-1"}]"#),
        Reply::json(201, r#"{"name": "b", "owner_id": "p-2"}"#),
    ])
    .await;
    let client = Client::builder().base_url(server.url()).build().unwrap();
    let options = fixture_v31_refs::apis::default::ListFoldersOptions { limit: Some(5) };
    let folders = client.default().list_folders(&options).await.unwrap();
    assert_eq!(folders[0].name, "a");
    // A required field whose type is an alias of String takes a `&str` too.
    let created = client.default().create_folder(&Folder::new("b", "p-2")).await.unwrap();
    assert_eq!(created.owner_id, "p-2");
    let requests = server.requests();
    assert_eq!(requests[0].target, "/folders?limit=5");
    assert_eq!(
        (requests[1].method.as_str(), requests[1].body_text().as_str()),
        ("POST", r#"{"name":"b","owner_id":"p-2"}"#)
    );
}
