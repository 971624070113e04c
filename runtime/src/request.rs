//! One request: every generated operation is a short chain of these calls.

use std::fmt::Display;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_TYPE, USER_AGENT};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::auth::{self, CredentialError, Security};
use crate::body::{Multipart, Payload, Upload};
use crate::error::{Error, ErrorStatus};
use crate::fields::ParamText;
use crate::middleware::RequestInfo;
use crate::oauth2::{AccessToken, TokenRequest, DEFAULT_TOKEN_TIMEOUT};
use crate::response::RawResponse;
use crate::retry::Attempts;
use crate::state::ClientState;
use crate::stream::{ByteStream, Decode, EventStream, LineFormat, LineStream, Live, Reconnect};
use crate::transport::{Failure, Mode, Received, Transport};

/// Everything but RFC 3986's unreserved characters is encoded: a value can never add a path
/// segment (`/`), start a query (`?`) or fragment (`#`), or look already encoded (`%`).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// A request being built. The first problem met (a value that cannot be sent) is kept and
/// reported by `send_*`, so that generated code stays one chain of calls. A paginator clones it
/// to ask for each page.
#[derive(Clone)]
pub struct RequestBuilder<'c> {
    state: &'c Arc<ClientState>,
    method: reqwest::Method,
    template: &'static str,
    path: String,
    /// A whole URL (the next page's, as a server gave it) in place of base URL and path.
    absolute: Option<reqwest::Url>,
    query: Vec<String>,
    headers: HeaderMap,
    cookies: Vec<String>,
    body: Option<Payload>,
    security: Security,
    error: Option<String>,
    redirect_answers: bool,
    /// The header the operation declares for an idempotency key (`Idempotency-Key`).
    idempotency_header: Option<&'static str>,
    /// The OAuth2 scopes the operation needs.
    scopes: &'static [&'static str],
}

impl<'c> RequestBuilder<'c> {
    pub(crate) fn new(
        state: &'c Arc<ClientState>,
        method: reqwest::Method,
        template: &'static str,
        args: &[&dyn Display],
    ) -> Self {
        let mut builder = RequestBuilder {
            state,
            method,
            template,
            path: String::with_capacity(template.len() + 40),
            absolute: None,
            query: Vec::new(),
            headers: HeaderMap::new(),
            cookies: Vec::new(),
            body: None,
            security: state.default_security.unwrap_or(&[]),
            error: None,
            redirect_answers: false,
            idempotency_header: None,
            scopes: &[],
        };
        if let Err(message) = fill_path(template, args, &mut builder.path) {
            builder.error = Some(message);
        }
        builder
    }

    fn fail(&mut self, message: String) {
        self.error.get_or_insert(message);
    }

    fn set_body(&mut self, content_type: HeaderValue, bytes: Bytes) {
        self.body = Some(Payload::Bytes { content_type, bytes });
    }

    pub(crate) fn refuse(mut self, message: String) -> Self {
        self.fail(message);
        self
    }

    /// A 3xx response that reaches the caller (one without a `Location` to follow) is the
    /// answer, not an error: for operations that declare no 2xx response but a 3xx one.
    pub fn redirect_answers(mut self) -> Self {
        self.redirect_answers = true;
        self
    }

    /// The operation declares `header` for an idempotency key: a call that sets none gets a
    /// random one (UUID v4), the same on every attempt, and `POST`/`PATCH` are then retried on
    /// the same conditions as idempotent methods.
    pub fn idempotency_header(mut self, header: &'static str) -> Self {
        self.idempotency_header = Some(header);
        self
    }

    /// The OAuth2 scopes the operation needs: an OAuth2 credential asks for a token with them.
    pub fn scopes(mut self, scopes: &'static [&'static str]) -> Self {
        self.scopes = scopes;
        self
    }

    /// The security requirements of the operation, when not the client's default (`&[]`: none).
    pub fn security(mut self, security: Security) -> Self {
        self.security = security;
        self
    }

    /// A query parameter, percent-encoded (a space is `%20`).
    pub fn query(mut self, name: &str, value: &dyn Display) -> Self {
        self.query.push(format!("{}={}", encode(name), encode(&value.to_string())));
        self
    }

    pub fn query_opt<T: Display>(self, name: &str, value: Option<T>) -> Self {
        match value {
            Some(value) => self.query(name, &value),
            None => self,
        }
    }

    /// The whole query string from one value, form-encoded (`a=1&b=x%20y`): OpenAPI 3.2's
    /// `in: querystring` parameter.
    pub fn query_string<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        match serde_urlencoded::to_string(value) {
            Ok(text) if text.is_empty() => {}
            Ok(text) => self.query.push(text),
            Err(e) => self.fail(format!("the query string cannot be form-encoded: {e}")),
        }
        self
    }

    pub fn query_string_opt<T: Serialize>(self, value: Option<&T>) -> Self {
        match value {
            Some(value) => self.query_string(value),
            None => self,
        }
    }

    /// An array query parameter in the default `form` style with `explode`: `name=a&name=b`.
    pub fn query_each<T: Display>(mut self, name: &str, values: impl IntoIterator<Item = T>) -> Self {
        for value in values {
            self = self.query(name, &value);
        }
        self
    }

    /// An array query parameter without `explode` (`name=a,b`), or space/pipe delimited.
    pub fn query_joined<T: Display>(self, name: &str, values: impl IntoIterator<Item = T>, separator: char) -> Self {
        let joined = ParamText::joined(values, separator);
        self.query(name, &joined)
    }

    /// A header parameter. A value a header cannot carry (CR, LF, other controls, non-ASCII) is
    /// refused, never sent: a line break would let a value inject headers of its own.
    pub fn header(mut self, name: &str, value: &dyn Display) -> Self {
        let value = value.to_string();
        match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&value)) {
            (Ok(name), Ok(value)) => {
                self.headers.append(name, value);
            }
            (Err(_), _) => self.fail(format!("`{name}` is not a valid header name")),
            (_, Err(_)) => self.fail(format!("the value of header `{name}` contains characters a header cannot carry (only visible ASCII, space and tab are allowed)")),
        }
        self
    }

    pub fn header_opt<T: Display>(self, name: &str, value: Option<T>) -> Self {
        match value {
            Some(value) => self.header(name, &value),
            None => self,
        }
    }

    /// An array header parameter (`simple` style): values joined by commas.
    pub fn header_joined<T: Display>(self, name: &str, values: impl IntoIterator<Item = T>, separator: char) -> Self {
        let joined = ParamText::joined(values, separator);
        self.header(name, &joined)
    }

    /// A cookie parameter; its value is percent-encoded.
    pub fn cookie(mut self, name: &str, value: &dyn Display) -> Self {
        self.cookies.push(format!("{}={}", encode(name), encode(&value.to_string())));
        self
    }

    pub fn cookie_opt<T: Display>(self, name: &str, value: Option<T>) -> Self {
        match value {
            Some(value) => self.cookie(name, &value),
            None => self,
        }
    }

    /// An array cookie parameter with `explode`: one cookie per value.
    pub fn cookie_each<T: Display>(mut self, name: &str, values: impl IntoIterator<Item = T>) -> Self {
        for value in values {
            self = self.cookie(name, &value);
        }
        self
    }

    /// An array cookie parameter without `explode`: values joined.
    pub fn cookie_joined<T: Display>(self, name: &str, values: impl IntoIterator<Item = T>, separator: char) -> Self {
        let joined = ParamText::joined(values, separator);
        self.cookie(name, &joined)
    }

    /// A JSON body.
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.set_body(HeaderValue::from_static("application/json"), Bytes::from(bytes)),
            Err(e) => self.fail(format!("the request body does not serialize as JSON: {e}")),
        }
        self
    }

    /// A JSON body with one boolean property set: `"stream": true` is how many APIs are asked
    /// for a stream of events instead of one answer.
    pub fn json_setting<T: Serialize + ?Sized>(mut self, body: &T, property: &str, value: bool) -> Self {
        match serde_json::to_value(body) {
            Ok(serde_json::Value::Object(mut object)) => {
                object.insert(property.to_owned(), serde_json::Value::Bool(value));
                self.json(&object)
            }
            Ok(other) => self.json(&other),
            Err(e) => {
                self.fail(format!("the request body does not serialize as JSON: {e}"));
                self
            }
        }
    }

    /// An optional JSON body: `None` sends no body and no `Content-Type`.
    pub fn json_opt<T: Serialize>(self, body: Option<&T>) -> Self {
        match body {
            Some(body) => self.json(body),
            None => self,
        }
    }

    /// An `application/x-www-form-urlencoded` body (lists as repeated names: see [`crate::form`]).
    pub fn form<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        match crate::form::encode(body) {
            Ok(text) => self.set_body(HeaderValue::from_static("application/x-www-form-urlencoded"), Bytes::from(text)),
            Err(e) => self.fail(format!("the request body cannot be form-encoded: {e}")),
        }
        self
    }

    pub fn form_opt<T: Serialize>(self, body: Option<&T>) -> Self {
        match body {
            Some(body) => self.form(body),
            None => self,
        }
    }

    /// A `multipart/form-data` body.
    pub fn multipart(mut self, form: Multipart) -> Self {
        self.body = Some(Payload::Multipart(form));
        self
    }

    pub fn multipart_opt(self, form: Option<Multipart>) -> Self {
        match form {
            Some(form) => self.multipart(form),
            None => self,
        }
    }

    /// A body sent as given: text, YAML.
    pub fn body(mut self, content_type: &'static str, body: impl Into<Bytes>) -> Self {
        self.set_body(HeaderValue::from_static(content_type), body.into());
        self
    }

    pub fn body_opt(self, content_type: &'static str, body: Option<impl Into<Bytes>>) -> Self {
        match body {
            Some(body) => self.body(content_type, body),
            None => self,
        }
    }

    /// A binary body: bytes in memory, a file read as it is sent, or a stream.
    pub fn upload(mut self, content_type: &'static str, upload: impl Into<Upload>) -> Self {
        self.body = Some(Payload::Upload {
            content_type: HeaderValue::from_static(content_type),
            upload: Arc::new(upload.into()),
        });
        self
    }

    pub fn upload_opt(self, content_type: &'static str, upload: Option<Upload>) -> Self {
        match upload {
            Some(upload) => self.upload(content_type, upload),
            None => self,
        }
    }

    /// Sends and decodes a JSON success body as `T`.
    pub async fn send_json<T: DeserializeOwned, E: DeserializeOwned>(
        self,
        errors: &[ErrorStatus],
    ) -> Result<T, Error<E>> {
        self.send_whole(Some("application/json"), errors).await?.json()
    }

    /// Sends; a success body is ignored (204 and the like).
    pub async fn send_empty<E: DeserializeOwned>(self, errors: &[ErrorStatus]) -> Result<(), Error<E>> {
        self.send_whole(None, errors).await.map(|_| ())
    }

    /// Sends and returns a success body as UTF-8 text.
    pub async fn send_text<E: DeserializeOwned>(self, errors: &[ErrorStatus]) -> Result<String, Error<E>> {
        self.send_whole(None, errors).await?.text()
    }

    /// Sends and returns a success body as bytes.
    pub async fn send_bytes<E: DeserializeOwned>(self, errors: &[ErrorStatus]) -> Result<Bytes, Error<E>> {
        Ok(self.send_whole(None, errors).await?.body)
    }

    /// Sends and returns the response whatever its status: only transport errors fail.
    pub async fn send_raw<E>(self) -> Result<RawResponse, Error<E>> {
        self.send_raw_accepting(None).await
    }

    /// As [`send_raw`](Self::send_raw), saying the client reads JSON (`Accept`): for an
    /// operation whose success statuses carry JSON bodies of different types.
    pub async fn send_raw_json<E>(self) -> Result<RawResponse, Error<E>> {
        self.send_raw_accepting(Some("application/json")).await
    }

    async fn send_raw_accepting<E>(self, accept: Option<&'static str>) -> Result<RawResponse, Error<E>> {
        match self.prepare(accept)?.send(Mode::Whole).await? {
            Received::Whole(response) => Ok(response),
            Received::Live(_) => Err(Error::InvalidRequest("a whole response was asked for".into())),
        }
    }

    /// Sends and returns a success body as a stream of bytes, read as it arrives.
    pub async fn send_stream<E: DeserializeOwned>(self, errors: &[ErrorStatus]) -> Result<ByteStream, Error<E>> {
        let live = self.prepare(None)?.send_live(errors).await?;
        Ok(ByteStream::new(live))
    }

    /// Sends and returns a `text/event-stream` success body as typed events.
    pub async fn send_events<T: Send + 'static, E: DeserializeOwned>(
        self,
        errors: &'static [ErrorStatus],
        decode: Decode<T>,
    ) -> Result<EventStream<T>, Error<E>> {
        let prepared = self.prepare(Some("text/event-stream"))?;
        let live = prepared.send_live(errors).await?;
        let limit = prepared.state.body_limit;
        // Reconnecting sends the same request, with the last event id, when its body can be
        // sent again.
        let reconnect: Option<Reconnect> = prepared.repeatable().then(|| {
            let prepared = Arc::new(prepared);
            Arc::new(move |last_event_id: Option<String>| {
                let prepared = Arc::clone(&prepared);
                Box::pin(async move {
                    let mut again = (*prepared).clone();
                    if let Some(id) = last_event_id {
                        again.headers.insert("last-event-id", crate::stream::last_event_id_header(&id)?);
                    }
                    again.send_live::<serde_json::Value>(errors).await
                }) as Pin<Box<dyn std::future::Future<Output = Result<Live, Error>> + Send>>
            }) as Reconnect
        });
        Ok(EventStream::new(live, decode, limit, reconnect))
    }

    /// Sends and returns a JSON Lines or JSON text sequence success body as typed values.
    pub async fn send_lines<T: Send + 'static, E: DeserializeOwned>(
        self,
        errors: &[ErrorStatus],
        format: LineFormat,
        decode: Decode<T>,
    ) -> Result<LineStream<T>, Error<E>> {
        let accept = match format {
            LineFormat::Lines => "application/jsonl, application/x-ndjson",
            LineFormat::Sequence => "application/json-seq",
        };
        let prepared = self.prepare(Some(accept))?;
        let live = prepared.send_live(errors).await?;
        Ok(LineStream::new(live, format, decode, prepared.state.body_limit))
    }

    /// The decoded value of query parameter `name` as it will be sent (its first pair).
    pub(crate) fn query_value(&self, name: &str) -> Option<String> {
        let prefix = format!("{}=", encode(name));
        let raw = self.query.iter().flat_map(|q| q.split('&')).find_map(|pair| pair.strip_prefix(prefix.as_str()))?;
        Some(percent_encoding::percent_decode_str(raw).decode_utf8_lossy().into_owned())
    }

    /// Query parameter `name` set to `value`, in place of every pair it had.
    pub(crate) fn set_query(&mut self, name: &str, value: &str) {
        self.remove_query(name);
        self.query.push(format!("{}={}", encode(name), encode(value)));
    }

    /// Query parameter `name` left out.
    pub(crate) fn remove_query(&mut self, name: &str) {
        let prefix = format!("{}=", encode(name));
        self.query = self
            .query
            .iter()
            .flat_map(|q| q.split('&'))
            .filter(|pair| !pair.starts_with(prefix.as_str()))
            .map(str::to_owned)
            .collect();
    }

    /// The URL the request goes to, before middleware sees it.
    pub(crate) fn url(&self) -> Result<reqwest::Url, String> {
        let mut url = match &self.absolute {
            Some(url) => url.clone(),
            None => reqwest::Url::parse(&format!("{}{}", self.state.base_url, self.path)).map_err(|e| e.to_string())?,
        };
        url.set_query((!self.query.is_empty()).then(|| self.query.join("&")).as_deref());
        Ok(url)
    }

    /// The request sent to `link` instead (relative to the current URL), with the same method,
    /// headers and credentials: only on the client's own scheme, host and port, since the
    /// credentials go with it. Its query replaces every query parameter.
    pub(crate) fn follow(&mut self, link: &str) -> Result<reqwest::Url, String> {
        let next = self.url()?.join(link).map_err(|e| format!("`{link}` is not a URL: {e}"))?;
        let base = reqwest::Url::parse(&self.state.base_url).map_err(|e| e.to_string())?;
        if next.origin() != base.origin() {
            return Err(format!(
                "the next page's URL `{next}` is not on the client's host ({}): not followed",
                base.origin().ascii_serialization()
            ));
        }
        self.query = next.query().filter(|q| !q.is_empty()).map(|q| vec![q.to_owned()]).unwrap_or_default();
        let mut without_query = next.clone();
        without_query.set_query(None);
        self.absolute = Some(without_query);
        Ok(next)
    }

    /// Sends, reading a JSON success response whole (status and headers kept, for a paginator
    /// that reads the next page from them).
    pub(crate) async fn send_json_response<E: DeserializeOwned>(
        self,
        errors: &[ErrorStatus],
    ) -> Result<RawResponse, Error<E>> {
        self.send_whole(Some("application/json"), errors).await
    }

    /// A whole success response, or the error for any other status.
    async fn send_whole<E: DeserializeOwned>(
        self,
        accept: Option<&'static str>,
        errors: &[ErrorStatus],
    ) -> Result<RawResponse, Error<E>> {
        let redirect_answers = self.redirect_answers;
        match self.prepare(accept)?.send(Mode::Whole).await? {
            Received::Whole(response)
                if response.status.is_success() || (redirect_answers && response.status.is_redirection()) =>
            {
                Ok(response)
            }
            Received::Whole(response) => Err(response.into_error(errors)),
            Received::Live(_) => Err(Error::InvalidRequest("a whole response was asked for".into())),
        }
    }

    /// The request as it will be sent: middleware has seen it, once, before any credential.
    fn prepare<E>(mut self, accept: Option<&'static str>) -> Result<Prepared, Error<E>> {
        if let Some(message) = self.error.take().or_else(|| self.state.call.error.clone()) {
            return Err(Error::InvalidRequest(message));
        }
        let state = Arc::clone(self.state);
        for (name, value) in &state.call.query {
            self.query.push(format!("{}={}", encode(name), encode(value)));
        }
        let info = RequestInfo { method: self.method.clone(), path_template: self.template };
        let mut url = match self.absolute {
            Some(url) => url,
            None => reqwest::Url::parse(&format!("{}{}", state.base_url, self.path)).map_err(|e| {
                Error::InvalidRequest(format!("`{}{}` is not a valid URL: {e}", state.base_url, self.path))
            })?,
        };
        if !self.query.is_empty() {
            url.set_query(Some(&self.query.join("&")));
        }
        let mut headers = self.headers;
        for name in state.call.headers.keys() {
            headers.remove(name);
        }
        headers.extend(state.call.headers.clone());
        let keyed = idempotency_key(&mut headers, self.idempotency_header, state.call.idempotency_key.as_deref())
            .map_err(Error::InvalidRequest)?;
        if let Ok(agent) = HeaderValue::from_str(&state.user_agent) {
            headers.insert(USER_AGENT, agent);
        }
        if let Some(accept) = accept {
            // An `Accept` the operation's parameters set (PagerDuty's versioning header
            // `application/vnd.pagerduty+json;version=2`) comes first; the type this client can
            // read is added after it, so a server that cannot serve the first still answers in
            // a form the client decodes rather than 406.
            let merged = match headers.get(ACCEPT).map(|v| v.to_str()) {
                None => Some(HeaderValue::from_static(accept)),
                Some(Ok(given)) if !given.contains(accept) && !given.contains("*/*") => {
                    HeaderValue::from_str(&format!("{given}, {accept}")).ok()
                }
                // Covered already, or not text: the caller's value as it is.
                Some(_) => None,
            };
            if let Some(value) = merged {
                headers.insert(ACCEPT, value);
            }
        }
        if !self.cookies.is_empty() {
            let cookies =
                HeaderValue::from_str(&self.cookies.join("; ")).map_err(|e| Error::InvalidRequest(e.to_string()))?;
            headers.append(http::header::COOKIE, cookies);
        }
        let mut body = self.body;
        // Middleware sees the request once, with an in-memory body when there is one; what it
        // changes is what every attempt sends.
        let mut template = reqwest::Request::new(self.method, url);
        *template.headers_mut() = headers;
        if let Some(Payload::Bytes { content_type, bytes }) = &body {
            template.headers_mut().insert(CONTENT_TYPE, content_type.clone());
            *template.body_mut() = Some(bytes.clone().into());
        }
        for middleware in &state.middleware {
            middleware.on_request(&mut template, &info);
        }
        if let Some(Payload::Bytes { bytes, .. }) = &mut body {
            if let Some(changed) = template.body().and_then(|b| b.as_bytes()) {
                *bytes = Bytes::copy_from_slice(changed);
            }
            template.headers_mut().remove(CONTENT_TYPE);
        }
        if auth::choose(self.security, &state.credentials).is_none() {
            // The user may authenticate in their own reqwest client or a proxy: send as is.
            tracing::debug!(required = ?self.security, "no credential for this operation's security schemes");
        }
        Ok(Prepared {
            method: template.method().clone(),
            url: template.url().clone(),
            headers: template.headers().clone(),
            state,
            body,
            security: self.security,
            scopes: self.scopes,
            info,
            keyed,
        })
    }
}

/// Sets the idempotency key, when the request should carry one: the operation's own parameter
/// first, then the call's option, then (the operation declaring the header) a new random key.
/// Whether the request carries one, which makes it safe to send again.
fn idempotency_key(
    headers: &mut HeaderMap,
    declared: Option<&'static str>,
    given: Option<&str>,
) -> Result<bool, String> {
    let name = declared.unwrap_or("idempotency-key");
    let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| format!("`{name}` is not a valid header name"))?;
    if headers.contains_key(&name) {
        return Ok(true);
    }
    let key = match (given, declared) {
        (Some(key), _) => key.to_owned(),
        // Random, not a counter or the clock: two clients must never send the same key.
        (None, Some(_)) => uuid::Uuid::new_v4().to_string(),
        (None, None) => return Ok(false),
    };
    let value = HeaderValue::from_str(&key)
        .map_err(|_| format!("the idempotency key contains characters the `{name}` header cannot carry"))?;
    headers.insert(name, value);
    Ok(true)
}

/// A request ready to be sent, as many times as retries and reconnections need.
#[derive(Clone)]
struct Prepared {
    state: Arc<ClientState>,
    method: reqwest::Method,
    url: reqwest::Url,
    headers: HeaderMap,
    body: Option<Payload>,
    security: Security,
    scopes: &'static [&'static str],
    info: RequestInfo,
    /// Carries an idempotency key: unsafe methods may be sent again.
    keyed: bool,
}

impl Prepared {
    /// Whether the body can be sent again (not one taken from a stream).
    fn repeatable(&self) -> bool {
        !matches!(&self.body, Some(Payload::Upload { upload, .. }) if !upload.repeatable())
    }

    /// One attempt's request, credentials not yet added. A whole response is bounded in time
    /// by the client's timeout; a streamed one only per read.
    async fn attempt(&self, mode: Mode) -> Result<reqwest::Request, String> {
        let mut request = self.state.http.request(self.method.clone(), self.url.clone()).headers(self.headers.clone());
        if let Some(body) = &self.body {
            request = body.apply(request).await?;
        }
        if let (Mode::Whole, Some(timeout)) = (mode, self.state.request_timeout) {
            request = request.timeout(timeout);
        }
        request.build().map_err(|e| e.to_string())
    }

    /// Sends with the client's retry policy. A `401` to a request that carried an OAuth2 access
    /// token is answered once: the token is dropped, another fetched, and the request sent again.
    async fn send<E>(&self, mode: Mode) -> Result<Received, Error<E>> {
        let sent = Mutex::new(Vec::new());
        let mut received = self.send_attempts(mode, &sent, &[]).await?;
        if received.status() == StatusCode::UNAUTHORIZED && self.repeatable() {
            let refused = std::mem::take(&mut *sent.lock().unwrap_or_else(PoisonError::into_inner));
            if !refused.is_empty() {
                tracing::debug!(
                    path = self.info.path_template,
                    "access token refused: fetching another, sending once more"
                );
                received = self.send_attempts(mode, &sent, &refused).await?;
            }
        }
        crate::meta::record(received.status(), received.headers());
        Ok(received)
    }

    /// The attempts the retry policy allows, adding to each the credentials the operation's
    /// security asks for (after middleware has seen the request: it never sees them). `sent`
    /// gets the access tokens the last attempt carried, by credential; `refused`, tokens the
    /// API has refused, which providers must not give again.
    async fn send_attempts<E>(
        &self,
        mode: Mode,
        sent: &Mutex<Vec<(usize, AccessToken)>>,
        refused: &[(usize, AccessToken)],
    ) -> Result<Received, Error<E>> {
        let state = &*self.state;
        let credentials = auth::choose(self.security, &state.credentials);
        let credentials = credentials.as_deref().unwrap_or_default();
        let attempts = Attempts {
            transport: Transport { http: &state.http, body_limit: state.body_limit },
            policy: &state.retry,
            middleware: &state.middleware,
            keyed: self.keyed,
        };
        let build = move || async move {
            let mut request = self.attempt(mode).await.map_err(Failure::Request)?;
            let mut tokens = Vec::new();
            for (i, credential) in credentials.iter().enumerate() {
                let token = TokenRequest {
                    scopes: self.scopes,
                    rejected: refused.iter().find(|(at, _)| *at == i).map(|(_, token)| token),
                    http: &state.http,
                    base_url: &state.base_url,
                    timeout: state.request_timeout.unwrap_or(DEFAULT_TOKEN_TIMEOUT),
                };
                match credential.apply_async(&mut request, token).await {
                    Ok(Some(access)) => tokens.push((i, access)),
                    Ok(None) => {}
                    Err(CredentialError::Invalid(message)) => return Err(Failure::Request(message)),
                    Err(CredentialError::Token(error)) => return Err(Failure::Token(error)),
                }
            }
            *sent.lock().unwrap_or_else(PoisonError::into_inner) = tokens;
            Ok(request)
        };
        attempts.send(&self.info, self.repeatable(), mode, build).await
    }

    /// A streamed success response, or the error for any other status.
    async fn send_live<E: DeserializeOwned>(&self, errors: &[ErrorStatus]) -> Result<Live, Error<E>> {
        match self.send(Mode::Live).await? {
            Received::Live(live) => Ok(live),
            Received::Whole(response) if response.status.is_success() => {
                Err(Error::InvalidRequest("a streamed response was asked for".into()))
            }
            Received::Whole(response) => Err(response.into_error(errors)),
        }
    }
}

/// Fills `{placeholders}` with `args`, each encoded as a single path segment.
fn fill_path(template: &str, args: &[&dyn Display], out: &mut String) -> Result<(), String> {
    let mut args = args.iter();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close =
            rest[open..].find('}').map(|c| open + c).ok_or_else(|| format!("unclosed `{{` in path `{template}`"))?;
        out.push_str(&rest[..open]);
        let name = &rest[open + 1..close];
        let value = args.next().ok_or_else(|| format!("no value for path parameter `{name}`"))?.to_string();
        // URL parsing folds `.` and `..` segments, even written as `%2E`, so no URL can carry
        // them: refusing is the only way they cannot change the path. An empty segment would
        // make `//`, which servers may collapse.
        if value.is_empty() || value == "." || value == ".." {
            return Err(format!("path parameter `{name}` is {value:?}, which cannot be sent as a path segment"));
        }
        out.extend(utf8_percent_encode(&value, COMPONENT));
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Ok(())
}

fn encode(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(template: &str, args: &[&dyn Display]) -> Result<String, String> {
        let mut out = String::new();
        fill_path(template, args, &mut out).map(|()| out)
    }

    #[test]
    fn each_argument_is_one_segment() {
        assert_eq!(path("/job/{jobId}/secret", &[&"a/b"]).unwrap(), "/job/a%2Fb/secret");
        assert_eq!(path("/a/{x}", &[&"../x"]).unwrap(), "/a/..%2Fx");
        assert_eq!(path("/a/{x}", &[&"a b?c#d%e"]).unwrap(), "/a/a%20b%3Fc%23d%25e");
        assert_eq!(path("/a/{x}", &[&"é"]).unwrap(), "/a/%C3%A9");
        assert_eq!(path("/a/{x}/{y}", &[&1, &"z"]).unwrap(), "/a/1/z");
        assert!(path("/a/{x}", &[&".."]).unwrap_err().contains("`x`"));
        assert!(path("/a/{x}", &[&"."]).is_err());
        assert!(path("/a/{x}", &[&""]).is_err());
        assert!(path("/a/{x}", &[]).unwrap_err().contains("no value"));
    }

    /// Why `.` and `..` are refused rather than encoded: URL parsing folds them even as `%2E`.
    #[test]
    fn url_parsing_folds_encoded_dot_segments() {
        let url = reqwest::Url::parse("http://h/a/%2E%2E/b").unwrap();
        assert_eq!(url.path(), "/b");
        let url = reqwest::Url::parse("http://h/a/%2E/b").unwrap();
        assert_eq!(url.path(), "/a/b");
    }
}
