//! OAuth2 access tokens: the [`TokenProvider`] trait a credential asks for a token on every
//! attempt, and [`OAuth2`], the provider for the document's flows — client credentials, and a
//! refresh token (the authorization-code and password flows, once the user holds one).
//!
//! [`OAuth2`] caches one token per scope set, fetches it again `refresh_margin` before it
//! expires, and lets concurrent calls share one fetch: each scope set has an async mutex, held
//! across the fetch, so that calls arriving meanwhile wait for that fetch and reuse its token.
//! A token the API refused (a `401`) is dropped and fetched again once, however many calls saw
//! it refused.
//!
//! Not the `oauth2` crate: it brings its own HTTP abstraction over another reqwest version, for
//! what here is one form POST and one JSON object, sent with the client's own connection pool.
//!
//! Secrets (client secret, refresh and access tokens) are [`Secret`]s: `Debug` shows `***`, and
//! nothing here logs a request or response body.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;
use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderValue, StatusCode};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::fields::Secret;

/// The most a token endpoint's answer may hold: a token response is a few kilobytes at most.
pub const TOKEN_RESPONSE_LIMIT: usize = 64 * 1024;
/// Time allowed for a token request when the client sets no request timeout (it uses a
/// `reqwest::Client` of the user's).
pub const DEFAULT_TOKEN_TIMEOUT: Duration = Duration::from_secs(30);
/// How long before its expiry a cached token is fetched again (default).
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(30);

/// An access token, with when it expires when the server said. `Debug` shows `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken {
    secret: Secret<String>,
    expires_at: Option<Instant>,
}

impl AccessToken {
    /// A token that does not say when it expires (refreshed only when the API refuses it).
    pub fn new(token: impl Into<String>) -> Self {
        AccessToken { secret: Secret::new(token.into()), expires_at: None }
    }

    /// A token that expires `lifetime` from now.
    pub fn expiring_in(token: impl Into<String>, lifetime: Duration) -> Self {
        AccessToken { secret: Secret::new(token.into()), expires_at: Some(Instant::now() + lifetime) }
    }

    /// The token itself, for the `Authorization` header.
    pub fn secret(&self) -> &str {
        self.secret.expose()
    }

    pub fn expires_at(&self) -> Option<Instant> {
        self.expires_at
    }

    /// Still usable for at least `margin`.
    fn fresh(&self, margin: Duration) -> bool {
        self.expires_at.is_none_or(|at| Instant::now() + margin < at)
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken").field("secret", &self.secret).field("expires_at", &self.expires_at).finish()
    }
}

/// Why no token could be had. The endpoint's own answer is kept: its status and body (an OAuth2
/// error such as `{"error":"invalid_client"}`).
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The token endpoint answered with a status that is not a success.
    #[error("the token endpoint answered HTTP {}: {}", status.as_u16(), start_of(body))]
    Endpoint { status: StatusCode, body: Bytes },
    /// A success that is not a token response (its body is not kept: it may hold a token).
    #[error("the token endpoint's HTTP {} answer is not a token response: {reason}", status.as_u16())]
    Malformed { status: StatusCode, reason: String },
    /// More than [`TOKEN_RESPONSE_LIMIT`] bytes.
    #[error("the token endpoint's answer is over {limit} bytes")]
    TooLarge { limit: usize },
    /// The token endpoint could not be reached.
    #[error("the token endpoint could not be reached: {0}")]
    Transport(#[source] reqwest::Error),
    /// The token URL, or a value to send, is not usable.
    #[error("invalid token request: {0}")]
    InvalidRequest(String),
    /// A [`TokenProvider`] of the user's failed.
    #[error("the token provider failed: {0}")]
    Provider(String),
}

/// The first 200 characters of an error body, for `Display` (the body itself is kept whole).
fn start_of(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(800)]);
    let mut chars = text.chars();
    let mut shown: String = chars.by_ref().take(200).collect();
    if chars.next().is_some() || body.len() > 800 {
        shown.push('…');
    }
    shown
}

/// What a provider is asked for. `http` is the client's connection pool; `base_url` is what a
/// relative token URL is resolved against.
#[derive(Clone, Copy, Debug)]
pub struct TokenRequest<'a> {
    /// The scopes the operation needs (empty: the provider's default).
    pub scopes: &'a [&'static str],
    /// The API refused this token (`401`): do not return it again.
    pub rejected: Option<&'a AccessToken>,
    pub http: &'a reqwest::Client,
    pub base_url: &'a str,
    /// Time allowed for a token request.
    pub timeout: Duration,
}

/// The future a [`TokenProvider`] returns.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<AccessToken, TokenError>> + Send + 'a>>;

/// Where a credential gets its access token, on every attempt: [`OAuth2`], or your own (a cloud
/// metadata service, a vault). Cache in the provider: it is asked once per attempt.
pub trait TokenProvider: Send + Sync + 'static {
    fn token<'a>(&'a self, request: TokenRequest<'a>) -> TokenFuture<'a>;
}

/// Which grant a token request makes.
#[derive(Clone)]
enum Grant {
    ClientCredentials,
    /// The latest refresh token: a server that rotates them sends a new one with each token.
    RefreshToken(Arc<Mutex<Secret<String>>>),
}

/// The document's OAuth2 flows as a token provider; becomes a [`Credential`](crate::Credential)
/// with `.into()` (the generated `auth` module's constructors fill in the token URL).
#[derive(Clone)]
pub struct OAuth2 {
    pub(crate) scheme: String,
    token_url: String,
    client_id: String,
    client_secret: Option<Secret<String>>,
    grant: Grant,
    scopes: Vec<String>,
    margin: Duration,
    secret_in_body: bool,
    first_token: Option<AccessToken>,
}

impl OAuth2 {
    /// The client credentials flow: a token for this client itself, from `token_url`.
    pub fn client_credentials(
        scheme: &str,
        token_url: &str,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        let mut flow = Self::new(scheme, token_url, client_id, Grant::ClientCredentials);
        flow.client_secret = Some(Secret::new(client_secret.into()));
        flow
    }

    /// Tokens from a refresh token (the authorization code and password flows, once you hold one),
    /// at `token_url` (the document's `refreshUrl` when it gives one). A public client has no
    /// secret; a confidential one adds it with [`client_secret`](Self::client_secret).
    pub fn refresh_token(
        scheme: &str,
        token_url: &str,
        client_id: impl Into<String>,
        refresh_token: impl Into<String>,
    ) -> Self {
        let grant = Grant::RefreshToken(Arc::new(Mutex::new(Secret::new(refresh_token.into()))));
        Self::new(scheme, token_url, client_id, grant)
    }

    fn new(scheme: &str, token_url: &str, client_id: impl Into<String>, grant: Grant) -> Self {
        OAuth2 {
            scheme: scheme.to_owned(),
            token_url: token_url.to_owned(),
            client_id: client_id.into(),
            client_secret: None,
            grant,
            scopes: Vec::new(),
            margin: DEFAULT_REFRESH_MARGIN,
            secret_in_body: false,
            first_token: None,
        }
    }

    /// Another token endpoint than the document's (a staging authorization server, a proxy).
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = url.into();
        self
    }

    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = Some(Secret::new(secret.into()));
        self
    }

    /// Scopes asked for when an operation names none.
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// How long before expiry a token is fetched again (default 30 s).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Send the client id and secret in the form body (`client_secret_post`) instead of HTTP
    /// Basic authentication, for servers that accept only that.
    pub fn secret_in_body(mut self) -> Self {
        self.secret_in_body = true;
        self
    }

    /// An access token you already hold (with a refresh token, the one issued with it): used
    /// until it expires or is refused.
    pub fn access_token(mut self, token: AccessToken) -> Self {
        self.first_token = Some(token);
        self
    }

    /// The security scheme this flow is for.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// This flow as a caching, single-flight provider.
    pub(crate) fn into_provider(self) -> Arc<dyn TokenProvider> {
        Arc::new(CachedFlow { flow: self, slots: Mutex::new(HashMap::new()) })
    }
}

impl fmt::Debug for OAuth2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let grant = match self.grant {
            Grant::ClientCredentials => "client_credentials",
            Grant::RefreshToken(_) => "refresh_token",
        };
        f.debug_struct("OAuth2")
            .field("scheme", &self.scheme)
            .field("grant", &grant)
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "***"))
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

/// One token per scope set; its async mutex is held across a fetch, which is what makes
/// concurrent calls share it.
type Slot = Arc<tokio::sync::Mutex<Option<AccessToken>>>;

struct CachedFlow {
    flow: OAuth2,
    slots: Mutex<HashMap<String, Slot>>,
}

impl TokenProvider for CachedFlow {
    fn token<'a>(&'a self, request: TokenRequest<'a>) -> TokenFuture<'a> {
        Box::pin(async move {
            let scope = self.scope(request.scopes);
            let slot = {
                let mut slots = self.slots.lock().map_err(|_| TokenError::Provider("token cache poisoned".into()))?;
                let first = self.flow.first_token.clone();
                Arc::clone(slots.entry(scope.clone()).or_insert_with(|| Arc::new(tokio::sync::Mutex::new(first))))
            };
            let mut cached = slot.lock().await;
            if let Some(token) = cached.as_ref() {
                let refused = request.rejected.is_some_and(|r| r.secret() == token.secret());
                if !refused && token.fresh(self.flow.margin) {
                    return Ok(token.clone());
                }
            }
            *cached = None;
            let token = self.fetch(&request, &scope).await?;
            *cached = Some(token.clone());
            Ok(token)
        })
    }
}

/// Characters kept as they are in a form-encoded client id or secret (RFC 6749 §2.3.1).
const FORM: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

impl CachedFlow {
    /// The scope parameter: the operation's scopes, else the flow's; sorted and deduplicated so
    /// that one set is one cache entry. A refresh keeps the scopes first granted: none is sent.
    fn scope(&self, scopes: &[&str]) -> String {
        if matches!(self.flow.grant, Grant::RefreshToken(_)) {
            return String::new();
        }
        let mut all: Vec<&str> =
            if scopes.is_empty() { self.flow.scopes.iter().map(String::as_str).collect() } else { scopes.to_vec() };
        all.sort_unstable();
        all.dedup();
        all.join(" ")
    }

    async fn fetch(&self, request: &TokenRequest<'_>, scope: &str) -> Result<AccessToken, TokenError> {
        let flow = &self.flow;
        let url = token_url(&flow.token_url, request.base_url)?;
        let mut form: Vec<(&str, &str)> = Vec::new();
        let refresh_token = match &flow.grant {
            Grant::ClientCredentials => None,
            Grant::RefreshToken(current) => Some(
                current.lock().map_err(|_| TokenError::Provider("refresh token poisoned".into()))?.expose().clone(),
            ),
        };
        match &refresh_token {
            None => form.push(("grant_type", "client_credentials")),
            Some(token) => form.extend([("grant_type", "refresh_token"), ("refresh_token", token.as_str())]),
        }
        if !scope.is_empty() {
            form.push(("scope", scope));
        }
        let basic = match (&flow.client_secret, flow.secret_in_body) {
            (Some(secret), false) => Some(basic_auth(&flow.client_id, secret.expose())?),
            (Some(secret), true) => {
                form.extend([("client_id", flow.client_id.as_str()), ("client_secret", secret.expose().as_str())]);
                None
            }
            (None, _) => {
                form.push(("client_id", flow.client_id.as_str()));
                None
            }
        };
        let body = serde_urlencoded::to_string(&form).map_err(|e| TokenError::InvalidRequest(e.to_string()))?;
        let mut builder = request
            .http
            .post(url)
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .timeout(request.timeout)
            .body(body);
        if let Some(basic) = basic {
            builder = builder.header(AUTHORIZATION, basic);
        }
        tracing::debug!(token_url = %flow.token_url, scope, scheme = %flow.scheme, "fetching an OAuth2 access token");
        let mut response = builder.send().await.map_err(TokenError::Transport)?;
        let status = response.status();
        if response.content_length().is_some_and(|length| length > TOKEN_RESPONSE_LIMIT as u64) {
            return Err(TokenError::TooLarge { limit: TOKEN_RESPONSE_LIMIT });
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(TokenError::Transport)? {
            if body.len() + chunk.len() > TOKEN_RESPONSE_LIMIT {
                return Err(TokenError::TooLarge { limit: TOKEN_RESPONSE_LIMIT });
            }
            body.extend_from_slice(&chunk);
        }
        if !status.is_success() {
            return Err(TokenError::Endpoint { status, body: Bytes::from(body) });
        }
        let parsed = parse_token_response(&body).map_err(|reason| TokenError::Malformed { status, reason })?;
        if let (Grant::RefreshToken(current), Some(next)) = (&flow.grant, parsed.refresh_token) {
            if let Ok(mut current) = current.lock() {
                *current = Secret::new(next);
            }
        }
        Ok(parsed.token)
    }
}

/// The token URL; a relative one (OpenAPI allows them) is resolved against the base URL as
/// RFC 3986 says: `/oauth/token` from the host's root, `oauth/token` below the base's path.
fn token_url(token_url: &str, base_url: &str) -> Result<reqwest::Url, TokenError> {
    if let Ok(url) = reqwest::Url::parse(token_url) {
        return Ok(url);
    }
    let invalid = |e: &dyn fmt::Display| TokenError::InvalidRequest(format!("token URL `{token_url}`: {e}"));
    let base = reqwest::Url::parse(&format!("{}/", base_url.trim_end_matches('/'))).map_err(|e| invalid(&e))?;
    base.join(token_url).map_err(|e| invalid(&e))
}

/// `Basic base64(urlencode(id):urlencode(secret))`, marked sensitive.
fn basic_auth(client_id: &str, secret: &str) -> Result<HeaderValue, TokenError> {
    let pair = format!("{}:{}", utf8_percent_encode(client_id, FORM), utf8_percent_encode(secret, FORM));
    let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
    let mut value = HeaderValue::from_str(&format!("Basic {encoded}"))
        .map_err(|_| TokenError::InvalidRequest("the client credentials cannot be sent in a header".into()))?;
    value.set_sensitive(true);
    Ok(value)
}

struct TokenResponse {
    token: AccessToken,
    refresh_token: Option<String>,
}

/// RFC 6749 §5.1: `access_token` (required), `token_type` (`Bearer`), `expires_in` (seconds, a
/// number or, from some servers, a numeric string), `refresh_token`. The reason never quotes the
/// body.
fn parse_token_response(body: &[u8]) -> Result<TokenResponse, String> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("not JSON (line {}, column {})", e.line(), e.column()))?;
    let text = |name: &str| value.get(name).and_then(serde_json::Value::as_str);
    let access = text("access_token").filter(|t| !t.is_empty()).ok_or("no `access_token`")?;
    if let Some(kind) = text("token_type") {
        if !kind.eq_ignore_ascii_case("bearer") {
            return Err(format!("token type `{kind}` is not a bearer token"));
        }
    }
    let token = match value.get("expires_in") {
        None | Some(serde_json::Value::Null) => AccessToken::new(access),
        Some(given) => {
            let seconds = match given {
                serde_json::Value::Number(n) => n.as_f64(),
                serde_json::Value::String(s) => s.trim().parse::<f64>().ok(),
                _ => None,
            }
            .filter(|s| s.is_finite() && *s >= 0.0)
            .ok_or("`expires_in` is not a number of seconds")?;
            AccessToken::expiring_in(access, Duration::from_secs_f64(seconds.min(1e9)))
        }
    };
    Ok(TokenResponse { token, refresh_token: text("refresh_token").map(str::to_owned) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_responses_are_read_as_rfc_6749_says() {
        let parsed = parse_token_response(br#"{"access_token":"a","token_type":"bearer","expires_in":"60"}"#).unwrap();
        assert_eq!(parsed.token.secret(), "a");
        assert!(parsed.token.fresh(Duration::from_secs(30)) && !parsed.token.fresh(Duration::from_secs(61)));
        let parsed = parse_token_response(br#"{"access_token":"a","refresh_token":"r"}"#).unwrap();
        assert_eq!((parsed.token.expires_at(), parsed.refresh_token.as_deref()), (None, Some("r")));
        for (body, why) in [
            (&br#"{"token_type":"Bearer"}"#[..], "access_token"),
            (br#"{"access_token":"SECRET","token_type":"mac"}"#, "mac"),
            (br#"{"access_token":"SECRET","expires_in":"soon"}"#, "expires_in"),
            (br#"{"access_token":"SECRET","expires_in":-1}"#, "expires_in"),
            (b"access_token=SECRET", "not JSON"),
        ] {
            let reason = parse_token_response(body).err().unwrap();
            assert!(reason.contains(why) && !reason.contains("SECRET"), "{reason}");
        }
    }

    #[test]
    fn relative_token_urls_resolve_against_the_base_url() {
        assert_eq!(token_url("/oauth/token", "http://h:1/api").unwrap().as_str(), "http://h:1/oauth/token");
        assert_eq!(token_url("oauth/token", "http://h:1/api").unwrap().as_str(), "http://h:1/api/oauth/token");
        assert_eq!(token_url("https://auth/t", "http://h").unwrap().as_str(), "https://auth/t");
    }

    #[test]
    fn debug_shows_no_secret() {
        let flow = OAuth2::client_credentials("oauth", "https://a/t", "id", "SECRET-1")
            .access_token(AccessToken::new("SECRET-2"));
        let refresh = OAuth2::refresh_token("oauth", "https://a/t", "id", "SECRET-3").client_secret("SECRET-4");
        let shown = format!("{flow:?} {refresh:?} {:?}", AccessToken::new("SECRET-5"));
        assert!(!shown.contains("SECRET"), "{shown}");
    }
}
