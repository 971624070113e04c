//! The 3.2 fixture (`generator/tests/fixtures/v32_features.yaml`) over loopback: a `QUERY`
//! operation with a body, an `in: querystring` parameter form-encoded as the whole query, and
//! a method from `additionalOperations`.

use fixture_v32_features::apis::books::ListBooksOptions;
use fixture_v32_features::types::{ListBooksFilter, SearchBooksBody};
use fixture_v32_features::Client;
use testkit::{Reply, Server};

#[tokio::test]
async fn query_querystring_and_additional_methods_go_on_the_wire() {
    let book = r#"{"id": "b1", "title": "The Dispossessed"}"#;
    let server = Server::scripted(vec![
        Reply::json(200, &format!("[{book}]")),
        Reply::json(200, &format!("[{book}]")),
        Reply::json(200, "[]"),
        Reply::json(201, book),
    ])
    .await;
    let client = Client::builder().base_url(server.url()).build().unwrap();
    let found = client.books().search_books(&SearchBooksBody { title: Some("Dispossessed".into()) }).await.unwrap();
    assert_eq!(found[0].title, "The Dispossessed");
    let filter = ListBooksFilter { author: Some("Le Guin".into()), year: Some(1974) };
    client.books().list_books(&ListBooksOptions { filter: Some(filter) }).await.unwrap();
    client.books().list_books(&ListBooksOptions::default()).await.unwrap();
    assert_eq!(client.books().copy_book("b 1").await.unwrap().id, "b1");

    let requests = server.requests();
    assert_eq!((requests[0].method.as_str(), requests[0].target.as_str()), ("QUERY", "/books"));
    assert_eq!(requests[0].body_text(), r#"{"title":"Dispossessed"}"#);
    assert_eq!(requests[1].target, "/books?author=Le+Guin&year=1974");
    assert_eq!(requests[2].target, "/books");
    assert_eq!((requests[3].method.as_str(), requests[3].target.as_str()), ("COPY", "/books/b%201"));
}
