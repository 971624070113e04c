//! The rewrite of Swagger 2.0 as OpenAPI 3.0: the tree it makes, and the places its messages name.

use std::path::Path;

use serde_json::{json, Value};

use super::convert;
use crate::load::parse;
use crate::load::tree::parse_value;

const HEAD: &str = "swagger: '2.0'\ninfo: {title: t, version: '1'}\n";

/// The 3.0 tree made of a 2.0 document (`HEAD` and `rest`), and the rewrite's warnings.
fn rewrite(rest: &str) -> (Value, Vec<String>) {
    let raw = parse_value(Path::new("api.yaml"), &format!("{HEAD}{rest}")).unwrap();
    let (value, swagger2) = convert(Path::new("api.yaml"), &raw).unwrap();
    (value, swagger2.warnings.iter().map(ToString::to_string).collect())
}

fn at<'a>(value: &'a Value, pointer: &str) -> &'a Value {
    value.pointer(pointer).unwrap_or_else(|| panic!("nothing at {pointer} in {value:#}"))
}

#[test]
fn collection_formats_become_styles_and_what_3_cannot_say_is_a_warning() {
    let (value, warnings) = rewrite(
        "paths:\n  /a:\n    get:\n      parameters:\n\
         \x20       - {name: c, in: query, type: array, items: {type: string}}\n\
         \x20       - {name: m, in: query, type: array, items: {type: string}, collectionFormat: multi}\n\
         \x20       - {name: s, in: query, type: array, items: {type: string}, collectionFormat: ssv}\n\
         \x20       - {name: p, in: query, type: array, items: {type: string}, collectionFormat: pipes}\n\
         \x20       - {name: t, in: query, type: array, items: {type: string}, collectionFormat: tsv}\n\
         \x20       - {name: h, in: header, type: array, items: {type: string}, collectionFormat: csv}\n\
         \x20       - {name: hp, in: header, type: array, items: {type: string}, collectionFormat: pipes}\n\
         \x20     responses: {'204': {description: none}}\n",
    );
    let style = |i: usize| {
        let parameter = at(&value, &format!("/paths/~1a/get/parameters/{i}"));
        (parameter.get("style").cloned(), parameter.get("explode").cloned())
    };
    assert_eq!(style(0), (Some(json!("form")), Some(json!(false))), "csv is 2.0's default, not 3.0's");
    assert_eq!(style(1), (Some(json!("form")), Some(json!(true))));
    assert_eq!(style(2), (Some(json!("spaceDelimited")), Some(json!(false))));
    assert_eq!(style(3), (Some(json!("pipeDelimited")), Some(json!(false))));
    assert_eq!(style(4), (Some(json!("form")), Some(json!(false))));
    assert_eq!(style(5), (None, None));
    assert_eq!(style(6), (None, None));
    assert_eq!(
        at(&value, "/paths/~1a/get/parameters/0/schema"),
        &json!({"type": "array", "items": {"type": "string"}})
    );
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].starts_with("#/paths/~1a/get/parameters/4/collectionFormat: `collectionFormat: tsv`"),
        "{warnings:?}"
    );
    assert!(
        warnings[1].starts_with("#/paths/~1a/get/parameters/6/collectionFormat: `collectionFormat: pipes` in header")
    );
}

#[test]
fn a_body_parameter_is_a_request_body_under_each_media_type_consumed() {
    let (value, _) = rewrite(
        "consumes: [application/json, text/plain]\n\
         parameters:\n  pet: {name: pet, in: body, required: true, description: d, schema: {$ref: '#/definitions/Pet'}}\n\
         definitions:\n  Pet: {type: object}\n\
         paths:\n  /a:\n    post:\n      parameters: [{$ref: '#/parameters/pet'}]\n      responses: {'204': {description: none}}\n    put:\n      consumes: [application/xml]\n      parameters: [{name: b, in: body, schema: {type: string}}]\n      responses: {'204': {description: none}}\n",
    );
    let schema = json!({"schema": {"$ref": "#/components/schemas/Pet"}});
    assert_eq!(
        at(&value, "/paths/~1a/post/requestBody"),
        &json!({"description": "d", "required": true, "content": {"application/json": schema, "text/plain": schema}})
    );
    assert_eq!(at(&value, "/paths/~1a/post/parameters"), &json!([]));
    assert_eq!(
        at(&value, "/paths/~1a/put/requestBody/content"),
        &json!({"application/xml": {"schema": {"type": "string"}}})
    );
    // Body parameters are not parameters in 3.0: none is left among the components.
    assert_eq!(at(&value, "/components/parameters"), &json!({}));
    assert_eq!(at(&value, "/components/schemas/Pet"), &json!({"type": "object"}));
}

#[test]
fn form_parameters_are_a_form_body_multipart_for_files_or_when_consumed() {
    let (value, _) = rewrite(
        "paths:\n  /a:\n    parameters: [{name: shared, in: formData, type: string}]\n\
         \x20   post:\n      parameters:\n        - {name: n, in: formData, type: integer, required: true, description: d}\n\
         \x20       - {name: l, in: formData, type: array, items: {type: string}, collectionFormat: multi}\n\
         \x20     responses: {'204': {description: none}}\n\
         \x20   put:\n      parameters: [{name: f, in: formData, type: file}]\n      responses: {'204': {description: none}}\n\
         \x20   patch:\n      consumes: [multipart/form-data]\n      parameters: [{name: s, in: formData, type: string}]\n      responses: {'204': {description: none}}\n",
    );
    let form = at(&value, "/paths/~1a/post/requestBody/content/application~1x-www-form-urlencoded");
    assert_eq!(
        form["schema"],
        json!({"type": "object", "required": ["n"], "properties": {
            "n": {"type": "integer", "description": "d"},
            "l": {"type": "array", "items": {"type": "string"}},
            "shared": {"type": "string"},
        }})
    );
    assert_eq!(form["encoding"], json!({"l": {"style": "form", "explode": true}}));
    assert_eq!(at(&value, "/paths/~1a/post/requestBody/required"), &json!(true));
    let file = at(&value, "/paths/~1a/put/requestBody/content/multipart~1form-data/schema/properties/f");
    assert_eq!(file, &json!({"type": "string", "format": "binary"}));
    assert!(value.pointer("/paths/~1a/patch/requestBody/content/multipart~1form-data").is_some());
    assert_eq!(at(&value, "/paths/~1a/parameters"), &json!([]));
}

#[test]
fn security_definitions_become_schemes_and_flows() {
    let (value, _) = rewrite(
        "paths: {}\nsecurityDefinitions:\n  b: {type: basic}\n  k: {type: apiKey, name: key, in: query}\n\
         \x20 i: {type: oauth2, flow: implicit, authorizationUrl: 'https://a', scopes: {r: read}}\n\
         \x20 p: {type: oauth2, flow: password, tokenUrl: 'https://t', scopes: {}}\n\
         \x20 c: {type: oauth2, flow: application, tokenUrl: 'https://t', scopes: {}}\n\
         \x20 x: {type: oauth2, flow: accessCode, authorizationUrl: 'https://a', tokenUrl: 'https://t', scopes: {}}\n",
    );
    let schemes = at(&value, "/components/securitySchemes");
    assert_eq!(schemes["b"], json!({"type": "http", "scheme": "basic"}));
    assert_eq!(schemes["k"], json!({"type": "apiKey", "name": "key", "in": "query"}));
    assert_eq!(schemes["i"]["flows"], json!({"implicit": {"authorizationUrl": "https://a", "scopes": {"r": "read"}}}));
    assert_eq!(schemes["p"]["flows"], json!({"password": {"tokenUrl": "https://t", "scopes": {}}}));
    assert_eq!(schemes["c"]["flows"], json!({"clientCredentials": {"tokenUrl": "https://t", "scopes": {}}}));
    let code = json!({"authorizationCode": {"authorizationUrl": "https://a", "tokenUrl": "https://t", "scopes": {}}});
    assert_eq!(schemes["x"]["flows"], code);
}

#[test]
fn servers_responses_and_schemas_in_3_0_words() {
    let (value, _) = rewrite(
        "host: api.example.com\nbasePath: /v1/\nschemes: [http, https]\nproduces: [application/json, text/plain]\n\
         definitions:\n  Pet: {type: object, discriminator: kind, properties: {kind: {type: string}, tag: {type: string, x-nullable: true}}}\n\
         paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n\
         \x20         headers: {X-Count: {type: integer, description: c}}\n\
         \x20         schema: {$ref: '#/definitions/Pet'}\n          examples: {application/json: {kind: dog}}\n\
         \x20       '404': {$ref: '#/responses/Missing'}\n  /file:\n    get:\n      produces: [image/png]\n\
         \x20     responses: {'200': {description: png, schema: {type: file}}}\n\
         responses:\n  Missing: {description: gone}\n",
    );
    assert_eq!(
        at(&value, "/servers"),
        &json!([{"url": "http://api.example.com/v1"}, {"url": "https://api.example.com/v1"}])
    );
    assert_eq!(at(&value, "/openapi"), &json!("3.0.3"));
    let ok = at(&value, "/paths/~1a/get/responses/200");
    assert_eq!(
        ok["content"]["application/json"],
        json!({"schema": {"$ref": "#/components/schemas/Pet"}, "example": {"kind": "dog"}})
    );
    assert_eq!(ok["content"]["text/plain"], json!({"schema": {"$ref": "#/components/schemas/Pet"}}));
    assert_eq!(ok["headers"]["X-Count"], json!({"description": "c", "schema": {"type": "integer"}}));
    assert_eq!(at(&value, "/paths/~1a/get/responses/404"), &json!({"$ref": "#/components/responses/Missing"}));
    assert_eq!(at(&value, "/components/responses/Missing"), &json!({"description": "gone"}));
    let pet = at(&value, "/components/schemas/Pet");
    assert_eq!(pet["discriminator"], json!({"propertyName": "kind"}));
    assert_eq!(pet["properties"]["tag"], json!({"type": "string", "nullable": true}));
    let png = at(&value, "/paths/~1file/get/responses/200/content/image~1png/schema");
    assert_eq!(png, &json!({"type": "string", "format": "binary"}));
    // A path alone is a server relative to the API's host.
    let (value, _) = rewrite("basePath: /v2\npaths: {}\n");
    assert_eq!(at(&value, "/servers"), &json!([{"url": "/v2"}]));
}

#[test]
fn errors_and_warnings_name_the_place_in_the_2_0_document() {
    // The reader's error about the second parameter, which the rewrite made the first (the
    // body parameter before it is a request body now).
    let text = format!(
        "{HEAD}paths:\n  /a:\n    post:\n      parameters:\n        - {{name: b, in: body, schema: {{type: string}}}}\n\
         \x20       - {{name: q, in: nowhere, type: string}}\n      responses: {{'204': {{description: none}}}}\n"
    );
    let err = parse(Path::new("api.yaml"), &text).unwrap_err();
    assert!(err.to_string().starts_with("api.yaml#/paths/~1a/post/parameters/1/in: `in: nowhere`"), "{err}");
    // A root parameter's schema is made of its own fields: errors and warnings name them.
    let text = format!("{HEAD}parameters:\n  q: {{name: q, in: query, type: string, minimum: x}}\npaths: {{}}\n");
    let err = parse(Path::new("api.yaml"), &text).unwrap_err();
    assert!(err.to_string().starts_with("api.yaml#/parameters/q/minimum: "), "{err}");
    let text = format!("{HEAD}parameters:\n  q: {{name: q, in: query, type: string, nonsense: 1}}\npaths: {{}}\n");
    let document = parse(Path::new("api.yaml"), &text).unwrap();
    let warnings: Vec<String> = document.warnings.iter().map(ToString::to_string).collect();
    assert!(warnings.iter().any(|w| w.starts_with("#/parameters/q/nonsense")), "{warnings:?}");
    // An unknown OAuth 2 flow, where it is written.
    let text = format!("{HEAD}paths: {{}}\nsecurityDefinitions:\n  o: {{type: oauth2, flow: device, scopes: {{}}}}\n");
    let err = parse(Path::new("api.yaml"), &text).unwrap_err();
    assert!(err.to_string().starts_with("api.yaml#/securityDefinitions/o/flow:"), "{err}");
    // A definition: `components/schemas/Pet` is `definitions/Pet` as written.
    let text = format!("{HEAD}paths: {{}}\ndefinitions:\n  Pet: {{type: object, properties: {{a: {{type: 7}}}}}}\n");
    let message = match parse(Path::new("api.yaml"), &text) {
        Err(err) => err.to_string(),
        Ok(document) => document.warnings.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"),
    };
    assert!(message.contains("#/definitions/Pet/properties/a"), "{message}");
}

#[test]
fn an_operation_producing_only_bytes_returns_them_and_its_structured_errors_are_json() {
    // Docker's shape: a log stream whose success declares no schema or a binary string, and
    // whose 404 is an object, under `produces` that names stream media types only.
    let (value, warnings) = rewrite(
        "definitions:\n  Error: {type: object, properties: {message: {type: string}}}\n\
         paths:\n  /logs:\n    get:\n      produces: [application/vnd.docker.raw-stream, application/vnd.docker.multiplexed-stream]\n\
         \x20     responses:\n        '200': {description: logs, schema: {type: string, format: binary}}\n\
         \x20       '404': {description: missing, schema: {$ref: '#/definitions/Error'}}\n\
         \x20 /export:\n    get:\n      produces: [application/octet-stream]\n\
         \x20     responses:\n        '200': {description: a tarball}\n        '204': {description: nothing}\n\
         \x20       '500': {description: failed, schema: {type: array, items: {type: string}}}\n\
         \x20 /ping:\n    get:\n      produces: [text/plain]\n      responses: {'200': {description: OK}}\n\
         \x20 /empty:\n    get:\n      responses: {'200': {description: no body}}\n",
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    let logs = at(&value, "/paths/~1logs/get/responses");
    let binary = json!({"schema": {"type": "string", "format": "binary"}});
    assert_eq!(logs["200"]["content"]["application/vnd.docker.raw-stream"], binary);
    assert_eq!(logs["200"]["content"]["application/vnd.docker.multiplexed-stream"], binary);
    assert_eq!(logs["404"]["content"], json!({"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}));
    let export = at(&value, "/paths/~1export/get/responses");
    assert_eq!(export["200"]["content"], json!({"application/octet-stream": binary}));
    assert_eq!(export["204"].get("content"), None, "a 204 has no body");
    assert_eq!(export["500"]["content"]["application/json"]["schema"]["type"], json!("array"));
    let ping = at(&value, "/paths/~1ping/get/responses/200/content");
    assert_eq!(ping, &json!({"text/plain": {"schema": {"type": "string"}}}));
    // Produces inherited from the root (JSON) and no schema: no body, as 2.0 says.
    assert_eq!(at(&value, "/paths/~1empty/get/responses/200").get("content"), None);
}

#[test]
fn a_content_type_header_listing_media_types_is_the_body_media_type() {
    let (value, _) = rewrite(
        "paths:\n  /build:\n    post:\n      consumes: [application/octet-stream]\n      parameters:\n\
         \x20       - {name: input, in: body, schema: {type: string, format: binary}}\n\
         \x20       - {name: Content-type, in: header, type: string, enum: [application/x-tar], default: application/x-tar}\n\
         \x20       - {name: X-Registry-Config, in: header, type: string}\n\
         \x20     responses: {'200': {description: ok}}\n\
         \x20 /plain:\n    get:\n      parameters:\n        - {name: Content-Type, in: header, type: string, enum: [application/x-tar]}\n\
         \x20     responses: {'200': {description: ok}}\n",
    );
    let build = at(&value, "/paths/~1build/post");
    let content = build["requestBody"]["content"].as_object().unwrap();
    assert_eq!(content.keys().collect::<Vec<_>>(), ["application/x-tar"]);
    let headers: Vec<&Value> = build["parameters"].as_array().unwrap().iter().map(|p| &p["name"]).collect();
    assert_eq!(headers, [&json!("X-Registry-Config")]);
    // Without a body, the header is a header like any other.
    assert_eq!(at(&value, "/paths/~1plain/get/parameters/0/name"), &json!("Content-Type"));
}
