//! The unions fixture (`generator/tests/fixtures/unions.yaml`) at run time: tags with and
//! without a mapping, a variant type that lacks the tag, untagged alternatives.

use fixture_unions::types::{Cat, CronJob, Job, LifecycleJob, Pet, Source};
use serde_json::json;

#[test]
fn tagged_variants_decode_by_mapping_and_write_the_tag_once() {
    let cron = json!({"job_type": "CRON", "schedule": "0 3 * * *"});
    let job: Job = serde_json::from_value(cron.clone()).unwrap();
    assert!(matches!(&job, Job::Cron(CronJob { schedule, .. }) if schedule == "0 3 * * *"));
    assert_eq!(serde_json::to_value(&job).unwrap(), cron);

    // LifecycleJob has no `job_type` property: the union adds the tag when writing it.
    let lifecycle = json!({"job_type": "LIFECYCLE", "events": ["start"]});
    let job: Job = serde_json::from_value(lifecycle.clone()).unwrap();
    assert_eq!(job, Job::Lifecycle(LifecycleJob { events: vec!["start".into()] }));
    assert_eq!(serde_json::to_value(&job).unwrap(), lifecycle);
}

#[test]
fn without_a_mapping_the_schema_name_is_the_tag() {
    let pet: Pet = serde_json::from_value(json!({"kind": "Cat", "meows": true})).unwrap();
    assert_eq!(pet, Pet::Cat(Cat { kind: "Cat".into(), meows: true }));
    let unknown = json!({"kind": "Parrot", "talks": true});
    assert_eq!(serde_json::from_value::<Pet>(unknown.clone()).unwrap(), Pet::Unknown(unknown));
}

#[test]
fn untagged_alternatives_are_tried_in_order_and_errors_list_them() {
    assert!(matches!(serde_json::from_value::<Source>(json!({"image": "nginx"})).unwrap(), Source::Image(_)));
    assert!(matches!(serde_json::from_value::<Source>(json!({"git": {"url": "u"}})).unwrap(), Source::Git(_)));
    assert_eq!(serde_json::from_value::<Source>(json!("inline")).unwrap(), Source::String("inline".into()));
    let error = serde_json::from_value::<Source>(json!({"svn": "x"})).unwrap_err().to_string();
    assert!(error.contains("no variant of Source matches"), "{error}");
    for tried in ["Image: missing field `image`", "Git: missing field `git`", "String: invalid type"] {
        assert!(error.contains(tried), "{error}");
    }
}
