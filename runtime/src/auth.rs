//! Credentials, and which of them a request gets.

use std::fmt;

use base64::Engine as _;
use http::{HeaderName, HeaderValue};

/// A security requirement list from the document: alternatives (any one suffices) of scheme
/// sets (all needed). `&[&["bearerAuth"], &["ApiKeyAuth"]]` is bearer or API key; an empty
/// alternative means anonymous access is allowed.
pub type Security = &'static [&'static [&'static str]];

/// A credential for one security scheme of the document, by scheme name. `Debug` never shows
/// the secret.
#[derive(Clone)]
pub struct Credential {
    scheme: String,
    kind: Kind,
}

#[derive(Clone)]
enum Kind {
    Bearer { token: String },
    Basic { user: String, password: String },
    ApiKeyHeader { header: String, prefix: Option<String>, key: String },
    ApiKeyQuery { name: String, key: String },
    ApiKeyCookie { name: String, key: String },
}

impl Credential {
    /// `Authorization: Bearer <token>` for the http/bearer scheme named `scheme` (also OAuth2
    /// and OpenID Connect access tokens).
    pub fn bearer(scheme: &str, token: impl Into<String>) -> Self {
        Self::new(scheme, Kind::Bearer { token: token.into() })
    }

    /// `Authorization: Basic base64(user:password)`.
    pub fn basic(scheme: &str, user: impl Into<String>, password: impl Into<String>) -> Self {
        Self::new(scheme, Kind::Basic { user: user.into(), password: password.into() })
    }

    /// `<header>: [<prefix> ]<key>` for an apiKey-in-header scheme.
    pub fn api_key_header(scheme: &str, header: &str, key: impl Into<String>) -> Self {
        Self::new(scheme, Kind::ApiKeyHeader { header: header.to_owned(), prefix: None, key: key.into() })
    }

    /// `?<name>=<key>` for an apiKey-in-query scheme.
    pub fn api_key_query(scheme: &str, name: &str, key: impl Into<String>) -> Self {
        Self::new(scheme, Kind::ApiKeyQuery { name: name.to_owned(), key: key.into() })
    }

    /// `Cookie: <name>=<key>` for an apiKey-in-cookie scheme.
    pub fn api_key_cookie(scheme: &str, name: &str, key: impl Into<String>) -> Self {
        Self::new(scheme, Kind::ApiKeyCookie { name: name.to_owned(), key: key.into() })
    }

    fn new(scheme: &str, kind: Kind) -> Self {
        Credential { scheme: scheme.to_owned(), kind }
    }

    /// A prefix sent before an API key, separated by one space (Qovery's tokens: `Token`).
    /// Other kinds of credential are returned unchanged.
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        if let Kind::ApiKeyHeader { prefix: slot, .. } = &mut self.kind {
            *slot = Some(prefix.into());
        }
        self
    }

    /// The security scheme this credential is for, as the document names it.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// Applies the credential. Header values are marked sensitive so that nothing downstream
    /// (reqwest's own `Debug`, an HTTP/2 encoder) shows or indexes them.
    pub(crate) fn apply(&self, request: &mut reqwest::Request) -> Result<(), String> {
        let header = |name: &str, value: String| -> Result<(HeaderName, HeaderValue), String> {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| format!("credential for `{}`: `{name}` is not a valid header name", self.scheme))?;
            let mut value = HeaderValue::from_str(&value)
                .map_err(|_| format!("credential for `{}` contains characters a header cannot carry", self.scheme))?;
            value.set_sensitive(true);
            Ok((name, value))
        };
        let (name, value) = match &self.kind {
            Kind::Bearer { token } => header("authorization", format!("Bearer {token}"))?,
            Kind::Basic { user, password } => {
                let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
                header("authorization", format!("Basic {encoded}"))?
            }
            Kind::ApiKeyHeader { header: name, prefix, key } => {
                let value = match prefix {
                    Some(prefix) => format!("{prefix} {key}"),
                    None => key.clone(),
                };
                header(name, value)?
            }
            Kind::ApiKeyQuery { name, key } => {
                request.url_mut().query_pairs_mut().append_pair(name, key);
                return Ok(());
            }
            Kind::ApiKeyCookie { name, key } => header("cookie", format!("{name}={key}"))?,
        };
        request.headers_mut().append(name, value);
        Ok(())
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("Credential");
        out.field("scheme", &self.scheme);
        match &self.kind {
            Kind::Bearer { .. } => out.field("kind", &"bearer"),
            Kind::Basic { user, .. } => out.field("kind", &"basic").field("user", user),
            Kind::ApiKeyHeader { header, prefix, .. } => {
                out.field("kind", &"api key in header").field("header", header).field("prefix", prefix)
            }
            Kind::ApiKeyQuery { name, .. } => out.field("kind", &"api key in query").field("name", name),
            Kind::ApiKeyCookie { name, .. } => out.field("kind", &"api key in cookie").field("name", name),
        };
        out.field("secret", &"***").finish()
    }
}

/// The credentials to send: the first alternative whose every scheme has one. `None` when no
/// alternative can be met (the caller decides what that means), `Some(empty)` for no auth.
pub(crate) fn choose(security: Security, credentials: &[Credential]) -> Option<Vec<&Credential>> {
    if security.is_empty() {
        return Some(Vec::new());
    }
    security.iter().find_map(|alternative| {
        alternative.iter().map(|scheme| credentials.iter().find(|c| c.scheme == *scheme)).collect::<Option<Vec<_>>>()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_satisfiable_alternative_wins() {
        let bearer = Credential::bearer("bearerAuth", "t");
        let key = Credential::api_key_header("ApiKeyAuth", "Authorization", "k");
        let both: Security = &[&["bearerAuth"], &["ApiKeyAuth"]];
        let only_key = [key.clone()];
        assert_eq!(choose(both, &only_key).unwrap()[0].scheme(), "ApiKeyAuth");
        let all = [key.clone(), bearer.clone()];
        assert_eq!(choose(both, &all).unwrap()[0].scheme(), "bearerAuth");
        let together: Security = &[&["bearerAuth", "ApiKeyAuth"]];
        assert!(choose(together, &only_key).is_none());
        assert_eq!(choose(together, &all).unwrap().len(), 2);
        assert!(choose(&[], &[]).unwrap().is_empty());
    }

    #[test]
    fn debug_never_shows_the_secret() {
        for credential in [
            Credential::bearer("b", "tok-SECRET"),
            Credential::basic("basic", "me", "pw-SECRET"),
            Credential::api_key_header("k", "Authorization", "key-SECRET").with_prefix("Token"),
            Credential::api_key_query("q", "api_key", "key-SECRET"),
            Credential::api_key_cookie("c", "session", "key-SECRET"),
        ] {
            let shown = format!("{credential:?} {credential:#?}");
            assert!(!shown.contains("SECRET"), "{shown}");
            assert!(shown.contains("***"), "{shown}");
        }
    }
}
