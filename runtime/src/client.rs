//! The client: connection pool, base URL, credentials, user agent, timeouts.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use crate::auth::{Credential, Security};
use crate::error::Error;
use crate::middleware::{Middleware, SharedMiddleware};
use crate::options::CallOptions;
use crate::request::RequestBuilder;
use crate::retry::RetryPolicy;
use crate::state::ClientState;

/// Shared by every request of a client; cheap to clone.
#[derive(Clone)]
pub struct Client {
    state: Arc<ClientState>,
}

impl Client {
    /// A builder for a client of the API whose default server is `default_base_url`.
    pub fn builder(default_base_url: &str) -> ClientBuilder<Client> {
        ClientBuilder::new(default_base_url)
    }

    pub fn base_url(&self) -> &str {
        &self.state.base_url
    }

    /// This client with another body limit, for calls that expect more (or less) than the
    /// builder's: `client.with_body_limit(1 << 30)`. Shares the connection pool. The same as
    /// `with_options(CallOptions::new().body_limit(limit))`.
    pub fn with_body_limit(&self, limit: usize) -> Client {
        self.with_options(CallOptions::new().body_limit(limit))
    }

    /// A view of this client whose calls carry `options` (a timeout, extra headers or query
    /// parameters, a retry policy, a body limit, an idempotency key), over the options it
    /// already had. Shares the connection pool and credentials; cheap enough to make per call:
    /// `client.with_options(CallOptions::new().timeout(Duration::from_secs(2))).get(…)`.
    pub fn with_options(&self, options: CallOptions) -> Client {
        let mut state = ClientState::clone(&self.state);
        if let Some(limit) = options.body_limit {
            state.body_limit = limit;
        }
        if let Some(policy) = &options.retry {
            state.retry = policy.clone();
        }
        if let Some(timeout) = options.timeout {
            state.request_timeout = Some(timeout);
        }
        state.call = std::mem::take(&mut state.call).merged(options);
        Client { state: Arc::new(state) }
    }

    /// The most a buffered response body may hold ([`DEFAULT_BODY_LIMIT`] unless set).
    pub fn body_limit(&self) -> usize {
        self.state.body_limit
    }

    /// This client, with `security` as the default security unless its builder already set one
    /// (even `&[]`). A generated client calls this when it wraps a runtime client, so that a
    /// runtime client built by hand still authenticates as the document says.
    pub fn or_default_security(self, security: Security) -> Client {
        if self.state.default_security.is_some() {
            return self;
        }
        let mut state = Arc::unwrap_or_clone(self.state);
        state.default_security = Some(security);
        Client { state: Arc::new(state) }
    }

    /// Starts a request. `path_template` is the document's path (`/job/{jobId}/secret`) and
    /// `path_args` fill its placeholders in order, each percent-encoded as one path segment.
    /// It needs the client's default security until [`RequestBuilder::security`] says otherwise.
    pub fn request(
        &self,
        method: reqwest::Method,
        path_template: &'static str,
        path_args: &[&dyn fmt::Display],
    ) -> RequestBuilder<'_> {
        RequestBuilder::new(&self.state, method, path_template, path_args)
    }

    /// [`request`](Self::request) with a method named by its text (`QUERY`, or a method an
    /// OpenAPI 3.2 document lists in `additionalOperations`). A name HTTP does not accept is
    /// reported by `send_*`.
    pub fn request_custom(
        &self,
        method: &'static str,
        path_template: &'static str,
        path_args: &[&dyn fmt::Display],
    ) -> RequestBuilder<'_> {
        match reqwest::Method::from_bytes(method.as_bytes()) {
            Ok(method) => RequestBuilder::new(&self.state, method, path_template, path_args),
            Err(_) => RequestBuilder::new(&self.state, reqwest::Method::GET, path_template, path_args)
                .refuse(format!("`{method}` is not an HTTP method name")),
        }
    }

    /// [`request`](Self::request) with `GET`.
    pub fn get(&self, path_template: &'static str, path_args: &[&dyn fmt::Display]) -> RequestBuilder<'_> {
        self.request(reqwest::Method::GET, path_template, path_args)
    }

    /// [`request`](Self::request) with `POST`.
    pub fn post(&self, path_template: &'static str, path_args: &[&dyn fmt::Display]) -> RequestBuilder<'_> {
        self.request(reqwest::Method::POST, path_template, path_args)
    }

    /// [`request`](Self::request) with `PUT`.
    pub fn put(&self, path_template: &'static str, path_args: &[&dyn fmt::Display]) -> RequestBuilder<'_> {
        self.request(reqwest::Method::PUT, path_template, path_args)
    }

    /// [`request`](Self::request) with `PATCH`.
    pub fn patch(&self, path_template: &'static str, path_args: &[&dyn fmt::Display]) -> RequestBuilder<'_> {
        self.request(reqwest::Method::PATCH, path_template, path_args)
    }

    /// [`request`](Self::request) with `DELETE`.
    pub fn delete(&self, path_template: &'static str, path_args: &[&dyn fmt::Display]) -> RequestBuilder<'_> {
        self.request(reqwest::Method::DELETE, path_template, path_args)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.state.base_url)
            .field("user_agent", &self.state.user_agent)
            .field("credentials", &self.state.credentials)
            .field("retry", &self.state.retry)
            .field("options", &self.state.call)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`], or a generated client that wraps one (`C: From<Client>`).
pub struct ClientBuilder<C = Client> {
    base_url: String,
    credentials: Vec<Credential>,
    default_security: Option<Security>,
    user_agent: String,
    timeout: Duration,
    connect_timeout: Duration,
    http: Option<reqwest::Client>,
    retry: RetryPolicy,
    middleware: Vec<SharedMiddleware>,
    body_limit: usize,
    output: PhantomData<fn() -> C>,
}

/// Default time allowed for a whole request, connection included; for a stream, for each read.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default limit on what one response body (or one event or line of a stream) may hold: 32 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 32 * 1024 * 1024;
/// Default time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

impl<C: From<Client>> ClientBuilder<C> {
    pub fn new(default_base_url: &str) -> Self {
        ClientBuilder {
            base_url: default_base_url.to_owned(),
            credentials: Vec::new(),
            default_security: None,
            user_agent: concat!("apigen-runtime/", env!("CARGO_PKG_VERSION")).to_owned(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            http: None,
            retry: RetryPolicy::default(),
            middleware: Vec::new(),
            body_limit: DEFAULT_BODY_LIMIT,
            output: PhantomData,
        }
    }

    /// The most a response body may hold in memory (default [`DEFAULT_BODY_LIMIT`], 32 MiB).
    /// A larger one is an [`Error::TooLarge`], read no further. Streams are not bound by it,
    /// but each of their events or lines is.
    pub fn body_limit(mut self, limit: usize) -> Self {
        self.body_limit = limit;
        self
    }

    /// When to send a request again (default: [`RetryPolicy::default`]; none: [`RetryPolicy::never`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// A hook on every request and attempt; several run in the order added.
    pub fn middleware(mut self, middleware: impl Middleware) -> Self {
        self.middleware.push(Arc::new(middleware));
        self
    }

    /// Another server than the document's (a mock, a proxy, another region).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// A credential; call once per security scheme you have credentials for. A later credential
    /// for the same scheme replaces the earlier one.
    /// An [`OAuth2`](crate::oauth2::OAuth2) flow converts into one.
    pub fn credential(mut self, credential: impl Into<Credential>) -> Self {
        let credential = credential.into();
        self.credentials.retain(|c| c.scheme() != credential.scheme());
        self.credentials.push(credential);
        self
    }

    /// The security requests need unless they set their own. When not set, a generated client
    /// uses its document's top-level security, as OpenAPI does for operations, and a plain
    /// runtime client needs none.
    pub fn default_security(mut self, security: Security) -> Self {
        self.default_security = Some(security);
        self
    }

    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Time allowed for a whole request (default 30 s); a stream may last longer, but each of
    /// its reads is allowed this much.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time allowed to connect (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Your own `reqwest::Client` (proxies, custom TLS roots…). Its own timeouts then apply
    /// instead of this builder's.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    pub fn build(self) -> Result<C, Error> {
        let base_url = self.base_url.trim_end_matches('/').to_owned();
        match reqwest::Url::parse(&base_url) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.query().is_none() => {}
            _ => {
                return Err(Error::InvalidRequest(format!(
                    "base URL `{base_url}` is not an absolute http(s) URL without a query"
                )))
            }
        }
        http::HeaderValue::from_str(&self.user_agent)
            .map_err(|_| Error::InvalidRequest("the user agent is not a valid header value".into()))?;
        let (http, request_timeout) = match self.http {
            Some(http) => (http, None),
            None => {
                // reqwest is built without a default crypto provider so that only ring (no
                // aws-lc, no OpenSSL) is compiled in; it must be installed once per process.
                let _ = rustls::crypto::ring::default_provider().install_default();
                // The whole-request timeout is set per request (a stream must not have one);
                // the read timeout bounds every read, of streams too.
                let http = reqwest::Client::builder()
                    .read_timeout(self.timeout)
                    .connect_timeout(self.connect_timeout)
                    .build()
                    .map_err(Error::Transport)?;
                (http, Some(self.timeout))
            }
        };
        Ok(C::from(Client {
            state: Arc::new(ClientState {
                base_url,
                http,
                credentials: self.credentials,
                default_security: self.default_security,
                user_agent: self.user_agent,
                retry: self.retry,
                middleware: self.middleware,
                body_limit: self.body_limit,
                request_timeout,
                call: CallOptions::default(),
            }),
        }))
    }
}

impl<C> Clone for ClientBuilder<C> {
    fn clone(&self) -> Self {
        ClientBuilder {
            base_url: self.base_url.clone(),
            credentials: self.credentials.clone(),
            default_security: self.default_security,
            user_agent: self.user_agent.clone(),
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            http: self.http.clone(),
            retry: self.retry.clone(),
            middleware: self.middleware.clone(),
            body_limit: self.body_limit,
            output: PhantomData,
        }
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("user_agent", &self.user_agent)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("middleware", &self.middleware.len())
            .finish_non_exhaustive()
    }
}
