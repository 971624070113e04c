//! A property that several `allOf` members declare holds values that satisfy each declaration:
//! its types merge (PagerDuty's orchestrations declare `orchestration_path` in a base schema and
//! again, narrowing it, in the member that extends it), instead of the later one hiding the
//! earlier one's properties. An `allOf` of annotations only is any value.

use apigen::model::{Api, TypeKind, TypeRef};
use apigen::stages::Loaded;
use apigen::{Options, RuntimeDependency};

fn model(yaml: &str) -> Api {
    let document = apigen::load::parse(std::path::Path::new("merge.yaml"), yaml).unwrap();
    let options = Options::new("t", RuntimeDependency::Path("rt".into()));
    Loaded::from_document(document, &options).model().unwrap().into_api()
}

fn fields(api: &Api, ty: &TypeRef) -> Vec<(String, TypeRef)> {
    let TypeRef::Named(name) = api.unaliased(ty) else { panic!("{ty:?} is not a named type") };
    match &api.type_named(name).unwrap().kind {
        TypeKind::Struct(s) => s.fields.iter().map(|f| (f.wire.clone(), f.ty.clone())).collect(),
        other => panic!("{name} is {other:?}"),
    }
}

fn field(api: &Api, ty: &TypeRef, wire: &str) -> TypeRef {
    fields(api, ty).into_iter().find(|(w, _)| w == wire).unwrap_or_else(|| panic!("no `{wire}` in {ty:?}")).1
}

#[test]
fn a_property_declared_by_two_members_merges_objects_lists_and_annotations() {
    let api = model(
        r#"openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Global:
      allOf:
        - type: object
          properties:
            path:
              type: object
              properties:
                type: {type: string, readOnly: true}
                parent: {type: object, properties: {id: {type: string}, self: {type: string}}}
                sets:
                  type: array
                  items: {type: object, properties: {id: {type: string}, rules: {type: array, items: {type: object}}}}
        - type: object
          properties:
            path:
              properties:
                type: {description: global rules, default: global}
                parent: {properties: {type: {enum: [reference]}}}
                sets:
                  description: at least a start set
                  items: {properties: {rules: {description: the rules}}}
    Anything:
      allOf: [{}, {description: any value}, {example: '100'}]
"#,
    );
    let global = TypeRef::Named("Global".into());
    let path = field(&api, &global, "path");
    // The annotation-only redefinition of `type` keeps the string.
    assert_eq!(field(&api, &path, "type"), TypeRef::String);
    let parent = field(&api, &path, "parent");
    let parent_fields: Vec<String> = fields(&api, &parent).into_iter().map(|(w, _)| w).collect();
    assert_eq!(parent_fields, ["id", "self", "type"]);
    let TypeRef::List(item) = field(&api, &path, "sets") else { panic!("sets is not a list") };
    let set_fields: Vec<String> = fields(&api, &item).into_iter().map(|(w, _)| w).collect();
    assert_eq!(set_fields, ["id", "rules"]);
    assert!(matches!(api.unaliased(&TypeRef::Named("Anything".into())), TypeRef::Json));
}
