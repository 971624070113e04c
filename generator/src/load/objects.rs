//! The document's own objects: the root (with its tags), `info`, `servers`, `security`,
//! `components` and security schemes. Path items and operations are in
//! [`operations`](super::operations), schemas in [`schema`](super::schema).

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::document::*;
use super::fields::describe;
use super::reader::{Base, Kind, Reader, Result};
use super::uri;
use crate::pointer::Pointer;

impl Reader<'_> {
    pub(super) fn document(&mut self) -> Result<Document> {
        let raw = self.raw;
        let root = Pointer::root();
        let map = self.object(raw, &root, "an OpenAPI document")?;
        self.unknown_fields(
            map,
            &root,
            "the OpenAPI object",
            &[
                "openapi",
                "$self",
                "info",
                "jsonSchemaDialect",
                "servers",
                "paths",
                "webhooks",
                "components",
                "security",
                "tags",
                "externalDocs",
            ],
        );

        // The document is the root resource: `$self` (3.2) names it, else it is `""`.
        let base: Base = self.text(map, "$self", &root)?.unwrap_or_default().into();
        self.resources.insert(uri::split_fragment(&base).0.to_owned(), Pointer::root());

        if let Some(dialect) = self.text(map, "jsonSchemaDialect", &root)? {
            if !KNOWN_DIALECTS.contains(&dialect.trim_end_matches('#')) {
                self.warn(
                    &root.join("jsonSchemaDialect"),
                    format!("schemas are read as OpenAPI's JSON Schema 2020-12 dialect, not `{dialect}`"),
                );
            }
        }

        let info = match map.get("info") {
            Some(value) => self.info(value, &root.join("info"))?,
            None => return Err(self.invalid(&root.join("info"), "missing `info` (title and version of the API)")),
        };
        let servers = self.servers(map, &root)?;
        self.server_urls = servers.iter().map(|s| s.url.clone()).collect();

        // Components first: their schemas are read where they are defined.
        let components = match map.get("components") {
            Some(value) => self.components(value, &root.join("components"), &base)?,
            None => Components::default(),
        };

        let mut paths = Vec::new();
        // The Paths object may be extended: there, and only there among these maps, an `x-` key
        // is an extension rather than a name.
        for (path, item, at) in
            self.entries(map, "paths", &root)?.into_iter().filter(|(path, ..)| !path.starts_with("x-"))
        {
            paths.push(Entry { name: path.clone(), value: self.path_item_ref(item, &at, &base)?, pointer: at });
        }
        let mut webhooks = Vec::new();
        for (name, item, at) in self.entries(map, "webhooks", &root)? {
            webhooks.push(Entry { name: name.clone(), value: self.path_item_ref(item, &at, &base)?, pointer: at });
        }

        let security = match map.get("security") {
            None | Some(Value::Null) => None,
            Some(value) => Some(self.security(value, &root.join("security"))?),
        };
        let mut tags = Vec::new();
        for (value, at) in self.list(map, "tags", &root)? {
            let tag = self.object(value, &at, "a tag")?;
            self.unknown_fields(
                tag,
                &at,
                "a tag",
                &["name", "summary", "description", "externalDocs", "parent", "kind"],
            );
            tags.push(Tag {
                name: self.text(tag, "name", &at)?.ok_or_else(|| self.invalid(&at, "a tag needs a `name`"))?,
                summary: self.text(tag, "summary", &at)?,
                description: self.text(tag, "description", &at)?,
                parent: self.text(tag, "parent", &at)?,
                kind: self.text(tag, "kind", &at)?,
            });
        }

        Ok(Document {
            file: self.file.to_owned(),
            info,
            servers,
            paths,
            webhooks,
            components,
            security,
            tags,
            ..Document::default()
        })
    }

    pub(super) fn info(&mut self, value: &Value, at: &Pointer) -> Result<Info> {
        let map = self.object(value, at, "`info`")?;
        self.unknown_fields(
            map,
            at,
            "the info object",
            &["title", "summary", "description", "termsOfService", "contact", "license", "version"],
        );
        let license = match map.get("license") {
            None | Some(Value::Null) => None,
            Some(value) => {
                let at = at.join("license");
                let license = self.object(value, &at, "`license`")?;
                Some(License {
                    name: self.text(license, "name", &at)?.unwrap_or_default(),
                    identifier: self.text(license, "identifier", &at)?,
                    url: self.text(license, "url", &at)?,
                })
            }
        };
        Ok(Info {
            title: self.text(map, "title", at)?.ok_or_else(|| self.invalid(at, "missing `title`"))?,
            summary: self.text(map, "summary", at)?,
            description: self.text(map, "description", at)?,
            version: self.text(map, "version", at)?.ok_or_else(|| self.invalid(at, "missing `version`"))?,
            license,
        })
    }

    pub(super) fn servers(&mut self, map: &Map<String, Value>, at: &Pointer) -> Result<Vec<Server>> {
        let mut servers = Vec::new();
        for (value, at) in self.list(map, "servers", at)? {
            let server = self.object(value, &at, "a server")?;
            let mut variables = Vec::new();
            for (name, variable, at) in self.entries(server, "variables", &at)? {
                let variable = self.object(variable, &at, "a server variable")?;
                variables.push((
                    name.clone(),
                    ServerVariable {
                        default: self.text(variable, "default", &at)?.unwrap_or_default(),
                        allowed: self.texts(variable, "enum", &at)?,
                        description: self.text(variable, "description", &at)?,
                    },
                ));
            }
            servers.push(Server {
                url: self.text(server, "url", &at)?.ok_or_else(|| self.invalid(&at, "a server needs a `url`"))?,
                description: self.text(server, "description", &at)?,
                variables,
            });
        }
        Ok(servers)
    }

    /// `servers` of a path item or operation: only the document's own servers are supported
    /// (the client's base URL); different ones are a warning.
    pub(super) fn other_servers(&mut self, map: &Map<String, Value>, at: &Pointer, level: &str) -> Result<()> {
        let urls: Vec<String> = self.servers(map, at)?.into_iter().map(|s| s.url).collect();
        if !urls.is_empty() && urls != self.server_urls {
            self.warn(
                &at.join("servers"),
                format!(
                    "{level} `servers` ({}) are not supported: requests go to the client's base URL",
                    urls.join(", ")
                ),
            );
        }
        Ok(())
    }

    pub(super) fn security(&self, value: &Value, at: &Pointer) -> Result<Vec<SecurityRequirement>> {
        let Value::Array(items) = value else {
            return Err(self.invalid(at, format!("`security` must be a list of requirements, not {}", describe(value))));
        };
        items
            .iter()
            .enumerate()
            .map(|(i, requirement)| {
                let at = at.join(i);
                let map = self.object(requirement, &at, "a security requirement")?;
                map.iter()
                    .map(|(name, _)| Ok((name.clone(), self.texts(map, name, &at)?)))
                    .collect::<Result<SecurityRequirement>>()
            })
            .collect()
    }

    pub(super) fn components(&mut self, value: &Value, at: &Pointer, base: &Base) -> Result<Components> {
        let map = self.object(value, at, "`components`")?;
        self.unknown_fields(
            map,
            at,
            "the components object",
            &[
                "schemas",
                "responses",
                "parameters",
                "examples",
                "requestBodies",
                "headers",
                "securitySchemes",
                "links",
                "callbacks",
                "pathItems",
                "mediaTypes",
            ],
        );
        Ok(Components {
            schemas: self.named(map, "schemas", at, |r, value, at| r.schema(value, at, base))?,
            parameters: self.named(map, "parameters", at, |r, value, at| r.parameter_ref(value, at, base))?,
            request_bodies: self.named(map, "requestBodies", at, |r, value, at| r.request_body_ref(value, at, base))?,
            responses: self.named(map, "responses", at, |r, value, at| r.response_ref(value, at, base))?,
            headers: self.named(map, "headers", at, |r, value, at| r.header_ref(value, at, base))?,
            security_schemes: self
                .named(map, "securitySchemes", at, |r, value, at| r.security_scheme_ref(value, at))?,
            path_items: self.named(map, "pathItems", at, |r, value, at| r.path_item_ref(value, at, base))?,
        })
    }

    /// The flows of an OAuth2 scheme that give a client tokens without a user at a browser.
    fn oauth_flows(&mut self, scheme: &Map<String, Value>, at: &Pointer) -> Result<OAuthFlows> {
        let Some(value) = scheme.get("flows") else { return Ok(OAuthFlows::default()) };
        let at = at.join("flows");
        let flows = self.object(value, &at, "OAuth2 flows")?;
        let flow = |name: &str| -> Result<Option<OAuthFlow>> {
            let Some(value) = flows.get(name) else { return Ok(None) };
            let at = at.join(name);
            let map = self.object(value, &at, "an OAuth2 flow")?;
            let scopes = match map.get("scopes") {
                Some(scopes) => self.object(scopes, &at.join("scopes"), "OAuth2 scopes")?.keys().cloned().collect(),
                None => Vec::new(),
            };
            Ok(Some(OAuthFlow {
                token_url: self.text(map, "tokenUrl", &at)?,
                refresh_url: self.text(map, "refreshUrl", &at)?,
                scopes,
            }))
        };
        Ok(OAuthFlows {
            client_credentials: flow("clientCredentials")?,
            authorization_code: flow("authorizationCode")?,
            password: flow("password")?,
        })
    }

    /// Each entry of a mapping field read by `read`, in document order.
    pub(super) fn named<T>(
        &mut self,
        map: &Map<String, Value>,
        key: &str,
        at: &Pointer,
        mut read: impl FnMut(&mut Self, &Value, &Pointer) -> Result<T>,
    ) -> Result<IndexMap<String, T>> {
        let mut read_all = IndexMap::new();
        for (name, value, at) in self.entries(map, key, at)? {
            read_all.insert(name.clone(), read(self, value, &at)?);
        }
        Ok(read_all)
    }

    pub(super) fn security_scheme_ref(&mut self, value: &Value, at: &Pointer) -> Result<Ref<SecurityScheme>> {
        let map = self.object(value, at, "a security scheme")?;
        if let Some(reference) = self.object_reference(map, at, Kind::SecurityScheme)? {
            return Ok(Ref::Ref(reference));
        }
        let description = self.text(map, "description", at)?;
        let scheme = match self.text(map, "type", at)?.as_deref() {
            Some("apiKey") => {
                let location = match self.text(map, "in", at)?.as_deref() {
                    Some("header") => ApiKeyIn::Header,
                    Some("query") => ApiKeyIn::Query,
                    Some("cookie") => ApiKeyIn::Cookie,
                    other => {
                        return Err(self.invalid(
                            &at.join("in"),
                            format!(
                                "an API key goes in a header, the query or a cookie, not {}",
                                other.unwrap_or("nowhere")
                            ),
                        ))
                    }
                };
                SecurityScheme::ApiKey {
                    name: self
                        .text(map, "name", at)?
                        .ok_or_else(|| self.invalid(at, "an API key scheme needs a `name`"))?,
                    location,
                    description,
                }
            }
            Some("http") => SecurityScheme::Http {
                scheme: self
                    .text(map, "scheme", at)?
                    .ok_or_else(|| self.invalid(at, "an http scheme needs a `scheme`"))?,
                bearer_format: self.text(map, "bearerFormat", at)?,
                description,
            },
            Some("oauth2") => SecurityScheme::OAuth2 { description, flows: self.oauth_flows(map, at)? },
            Some("openIdConnect") => SecurityScheme::OpenIdConnect { description },
            Some("mutualTLS") => SecurityScheme::MutualTls { description },
            Some(other) => {
                return Err(self.invalid(
                    &at.join("type"),
                    format!("`{other}` is not a security scheme type (apiKey, http, oauth2, openIdConnect, mutualTLS)"),
                ))
            }
            None => return Err(self.invalid(at, "a security scheme needs a `type`")),
        };
        Ok(Ref::Item(scheme))
    }
}

/// JSON Schema dialects whose schemas mean what this loader reads them to mean.
const KNOWN_DIALECTS: [&str; 5] = [
    "https://spec.openapis.org/oas/3.1/dialect/base",
    "https://spec.openapis.org/oas/3.1/dialect/2024-11-10",
    "https://spec.openapis.org/oas/3.2/dialect/2025-09-17",
    "https://json-schema.org/draft/2020-12/schema",
    "https://spec.openapis.org/oas/3.1/schema-base/2022-10-07",
];

#[cfg(test)]
mod tests {
    use super::super::document::*;
    use super::super::reader::testing::*;

    #[test]
    fn a_foreign_schema_dialect_is_a_warning() {
        let d = load("openapi: 3.1.0\njsonSchemaDialect: https://json-schema.org/draft-07/schema#\ninfo: {title: t, version: '1'}\n");
        assert!(
            warnings(&d).iter().any(|w| w.starts_with("#/jsonSchemaDialect: schemas are read as")),
            "{:?}",
            warnings(&d)
        );
        let d = load("openapi: 3.1.0\njsonSchemaDialect: https://spec.openapis.org/oas/3.1/dialect/base\ninfo: {title: t, version: '1'}\n");
        assert!(warnings(&d).is_empty(), "{:?}", warnings(&d));
    }

    #[test]
    fn openapi_3_2_fields() {
        let d = load(
            "openapi: 3.2.0\ninfo: {title: t, version: '1', summary: s, license: {name: MIT License, identifier: MIT}}\ntags: [{name: a, summary: A, parent: b, kind: nav}]\npaths:\n  /x:\n    query: {responses: {'200': {description: ok}}}\n    additionalOperations:\n      LINK: {}\n    get:\n      parameters: [{name: q, in: querystring, content: {application/x-www-form-urlencoded: {schema: {type: object}}}}]\n      responses:\n        '200': {description: ok, content: {application/jsonl: {$ref: '#/components/mediaTypes/Lines'}}}\ncomponents:\n  mediaTypes:\n    Lines: {itemSchema: {type: object}}\n",
        );
        assert_eq!(
            (d.info.summary.as_deref(), d.info.license.as_ref().and_then(|l| l.identifier.as_deref())),
            (Some("s"), Some("MIT"))
        );
        assert_eq!((d.tags[0].parent.as_deref(), d.tags[0].kind.as_deref()), (Some("b"), Some("nav")));
        let Ref::Item(item) = &d.paths[0].value else { panic!() };
        let methods: Vec<&str> = item.operations.iter().map(|o| o.method.as_str()).collect();
        assert_eq!(methods, ["GET", "QUERY", "LINK"]);
        let Ref::Item(parameter) = &item.operations[0].operation.parameters[0] else { panic!() };
        assert_eq!(parameter.location, ParameterIn::QueryString);
        let Ref::Item(response) = &item.operations[0].operation.responses[0].1 else { panic!() };
        assert!(response.content["application/jsonl"].item_schema.is_some(), "a media type from components/mediaTypes");

        let err = read_text(
            "t.yaml",
            "openapi: 3.2.0\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    additionalOperations:\n      get: {}\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("#/paths/~1x/additionalOperations/get") && err.contains("field of its own"), "{err}");
    }
}
