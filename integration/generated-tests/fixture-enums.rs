//! The enums fixture (`generator/tests/fixtures/enums.yaml`) at run time: serde's renames give
//! each listed value its exact wire spelling (including `self` and the empty string), values the
//! document does not list are kept, and `Display`/`FromStr` agree with the wire.

use fixture_enums::apis::default::ListJobsOptions;
use fixture_enums::types::{Color, Job, JobKind, ListJobsState, Priority, Scope};
use fixture_enums::Client;
use serde_json::json;
use testkit::{Reply, Server};

#[test]
fn every_listed_value_has_its_wire_spelling_both_ways() {
    let kinds =
        [(JobKind::Cron, "cron"), (JobKind::Lifecycle, "lifecycle"), (JobKind::Self_, "self"), (JobKind::Empty, "")];
    for (value, wire) in kinds {
        assert_eq!(serde_json::to_value(&value).unwrap(), json!(wire));
        assert_eq!(serde_json::from_value::<JobKind>(json!(wire)).unwrap(), value);
        assert_eq!(value.to_string(), wire);
        assert_eq!(wire.parse::<JobKind>().unwrap(), value);
    }
    let scopes = [(Scope::Application, "APPLICATION"), (Scope::BuiltIn, "BUILT_IN"), (Scope::Project, "PROJECT")];
    for (value, wire) in scopes {
        assert_eq!(serde_json::to_value(&value).unwrap(), json!(wire));
        assert_eq!(serde_json::from_value::<Scope>(json!(wire)).unwrap(), value);
        assert_eq!(value.to_string(), wire);
    }
}

#[test]
fn values_the_document_does_not_list_are_kept_and_written_back() {
    // `Unknown` is also a plain string here, not the variant's name.
    for wire in ["ARCHIVED", "Unknown", "built_in"] {
        let scope: Scope = serde_json::from_value(json!(wire)).unwrap();
        assert_eq!(scope, Scope::Unknown(wire.to_owned()));
        assert_eq!(serde_json::to_value(&scope).unwrap(), json!(wire));
        assert_eq!(scope.to_string(), wire);
        assert_eq!(wire.parse::<Scope>().unwrap(), scope);
    }
    let job: Job = serde_json::from_value(json!({"scope": "ORGANIZATION", "kind": "cron"})).unwrap();
    assert_eq!(job.scope, Scope::Unknown("ORGANIZATION".into()));
    assert_eq!(job.kind, Some(JobKind::Cron));
    // Not a string at all: an error, not a panic and not a silent default.
    let error = serde_json::from_value::<Scope>(json!(5)).unwrap_err().to_string();
    assert!(error.contains("Scope"), "{error}");
}

#[test]
fn names_the_document_gives_values_are_used() {
    // `x-enum-varnames` names integer values (constants of an open integer type) and strings.
    assert_eq!(serde_json::from_value::<Priority>(json!(3)).unwrap(), Priority::HIGH);
    assert_eq!(serde_json::from_value::<Priority>(json!(9)).unwrap(), Priority(9));
    assert_eq!(serde_json::to_value(Priority::LOW).unwrap(), json!(1));
    assert_eq!(serde_json::from_value::<Color>(json!("#0f0")).unwrap(), Color::Green);
    assert_eq!(Color::Red.to_string(), "#f00");
}

#[tokio::test]
async fn an_enum_query_parameter_is_sent_as_its_wire_value() {
    let server = Server::scripted(vec![Reply::json(200, r#"[{"scope": "PROJECT"}]"#)]).await;
    let client = Client::builder().base_url(server.url()).build().unwrap();
    let jobs = client.default().list_jobs(&ListJobsOptions { state: Some(ListJobsState::Done) }).await.unwrap();
    assert_eq!(jobs[0].scope, Scope::Project);
    assert_eq!(server.requests()[0].target, "/jobs?state=done");
}
