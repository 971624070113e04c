//! Request bodies: in memory, from a file, from a stream, or a multipart form.
//!
//! A body is kept as a description and turned into a `reqwest::Body` for each attempt, so that
//! one in memory or read from a path can be sent again when the retry policy allows; a body from
//! a stream can be sent once only (there is nothing to read it again from).

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::HeaderValue;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An upload: the bytes of a binary request body (`application/octet-stream`, `image/png`…),
/// in memory, read from a file as it is sent, or taken from a stream.
///
/// ```no_run
/// # async fn f(bytes: apigen_runtime::Bytes, rx: impl futures_core::Stream<Item = std::io::Result<apigen_runtime::Bytes>> + Send + Sync + 'static) {
/// use apigen_runtime::Upload;
/// let in_memory = Upload::from(bytes);
/// let from_disk = Upload::file("backup.tar.gz"); // never read whole into memory
/// let from_elsewhere = Upload::stream(rx);         // sent once: not retried
/// # }
/// ```
pub struct Upload(Source);

enum Source {
    Bytes(Bytes),
    File(PathBuf),
    /// Taken by the first attempt.
    Stream(Mutex<Option<reqwest::Body>>),
}

impl Upload {
    /// The file at `path`, opened and streamed when the request is sent (again for a retry).
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Upload(Source::File(path.into()))
    }

    /// Bytes as a stream produces them. Such a body can be sent once: a request that would
    /// need it again ends in an error instead.
    pub fn stream<S, E>(stream: S) -> Self
    where
        S: futures_core::Stream<Item = Result<Bytes, E>> + Send + Sync + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
    {
        Upload(Source::Stream(Mutex::new(Some(reqwest::Body::wrap_stream(stream)))))
    }

    /// Whether it can be sent more than once (it is not a stream).
    pub(crate) fn repeatable(&self) -> bool {
        !matches!(self.0, Source::Stream(_))
    }

    /// The body for one attempt, and its length when known; `Err` when it cannot be produced.
    pub(crate) async fn body(&self) -> Result<(reqwest::Body, Option<u64>), String> {
        match &self.0 {
            Source::Bytes(bytes) => Ok((bytes.clone().into(), Some(bytes.len() as u64))),
            Source::File(path) => {
                let file = open(path).await?;
                let length = file.metadata().await.ok().map(|m| m.len());
                Ok((file.into(), length))
            }
            Source::Stream(stream) => {
                stream.lock().ok().and_then(|mut s| s.take()).map(|body| (body, None)).ok_or_else(|| {
                    "a body from a stream can be sent once only; this request needed it again".to_owned()
                })
            }
        }
    }
}

async fn open(path: &Path) -> Result<tokio::fs::File, String> {
    tokio::fs::File::open(path).await.map_err(|e| format!("cannot read `{}` to send it: {e}", path.display()))
}

impl From<Bytes> for Upload {
    fn from(bytes: Bytes) -> Self {
        Upload(Source::Bytes(bytes))
    }
}

impl From<Vec<u8>> for Upload {
    fn from(bytes: Vec<u8>) -> Self {
        Upload(Source::Bytes(bytes.into()))
    }
}

impl From<&'static [u8]> for Upload {
    fn from(bytes: &'static [u8]) -> Self {
        Upload(Source::Bytes(Bytes::from_static(bytes)))
    }
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Source::Bytes(bytes) => write!(f, "Upload({} bytes)", bytes.len()),
            Source::File(path) => write!(f, "Upload(file {})", path.display()),
            Source::Stream(_) => f.write_str("Upload(stream)"),
        }
    }
}

/// A file in a `multipart/form-data` body: its bytes (or the path to read them from when the
/// request is sent), and the file name and content type its part declares.
///
/// Generated types use it for every binary property; it serializes as its bytes.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct FilePart {
    bytes: Bytes,
    path: Option<PathBuf>,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl FilePart {
    /// The file at `path`, read as the request is sent; its name is the part's file name unless
    /// [`file_name`](Self::file_name) says otherwise.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        FilePart { path: Some(path), file_name, ..FilePart::default() }
    }

    /// The name the part gives the file (`report.pdf`).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The part's content type (`application/pdf`); `application/octet-stream` when not set.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The bytes, when the part holds them (not for one read from a path).
    pub fn bytes(&self) -> Option<&Bytes> {
        self.path.is_none().then_some(&self.bytes)
    }

    /// The multipart part for one attempt; `field` names the file when nothing else does.
    async fn part(&self, field: &str) -> Result<reqwest::multipart::Part, String> {
        let part = match &self.path {
            Some(path) => {
                let file = open(path).await?;
                match file.metadata().await.ok().map(|m| m.len()) {
                    Some(length) => reqwest::multipart::Part::stream_with_length(file, length),
                    None => reqwest::multipart::Part::stream(file),
                }
            }
            None => reqwest::multipart::Part::bytes(self.bytes.to_vec()),
        };
        let part = part.file_name(self.file_name.clone().unwrap_or_else(|| field.to_owned()));
        part.mime_str(self.content_type.as_deref().unwrap_or("application/octet-stream"))
            .map_err(|_| format!("`{}` is not a content type", self.content_type.as_deref().unwrap_or_default()))
    }
}

impl From<Bytes> for FilePart {
    fn from(bytes: Bytes) -> Self {
        FilePart { bytes, ..FilePart::default() }
    }
}

impl From<Vec<u8>> for FilePart {
    fn from(bytes: Vec<u8>) -> Self {
        Bytes::from(bytes).into()
    }
}

impl From<&'static [u8]> for FilePart {
    fn from(bytes: &'static [u8]) -> Self {
        Bytes::from_static(bytes).into()
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("FilePart");
        match &self.path {
            Some(path) => debug.field("path", path),
            None => debug.field("bytes", &self.bytes.len()),
        };
        debug.field("file_name", &self.file_name).field("content_type", &self.content_type).finish()
    }
}

impl Serialize for FilePart {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.path {
            Some(path) => Err(serde::ser::Error::custom(format!(
                "the file part `{}` is read when a multipart body is sent; it has no bytes to serialize",
                path.display()
            ))),
            None => self.bytes.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for FilePart {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Bytes::deserialize(deserializer).map(FilePart::from)
    }
}

/// A `multipart/form-data` body, built part by part by generated code and encoded by
/// `reqwest` for each attempt.
#[derive(Clone, Debug, Default)]
pub struct Multipart {
    parts: Vec<(String, Part)>,
}

#[derive(Clone, Debug)]
enum Part {
    Text(String),
    Json(String),
    File(FilePart),
}

impl Multipart {
    pub fn new() -> Self {
        Self::default()
    }

    /// A text part.
    pub fn text(mut self, name: &str, value: &dyn fmt::Display) -> Self {
        self.parts.push((name.to_owned(), Part::Text(value.to_string())));
        self
    }

    pub fn text_opt<T: fmt::Display>(self, name: &str, value: Option<T>) -> Self {
        match value {
            Some(value) => self.text(name, &value),
            None => self,
        }
    }

    /// A structured value as a JSON part (`Content-Type: application/json`).
    pub fn json<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        // Generated types always serialize; a failure would leave the part out, never panic.
        if let Ok(text) = serde_json::to_string(value) {
            self.parts.push((name.to_owned(), Part::Json(text)));
        }
        self
    }

    pub fn json_opt<T: Serialize>(self, name: &str, value: Option<&T>) -> Self {
        match value {
            Some(value) => self.json(name, value),
            None => self,
        }
    }

    /// A file part.
    pub fn file(mut self, name: &str, file: &FilePart) -> Self {
        self.parts.push((name.to_owned(), Part::File(file.clone())));
        self
    }

    pub fn file_opt(self, name: &str, file: Option<&FilePart>) -> Self {
        match file {
            Some(file) => self.file(name, file),
            None => self,
        }
    }

    /// Several files under one name: a part each.
    pub fn files(self, name: &str, files: &[FilePart]) -> Self {
        files.iter().fold(self, |form, file| form.file(name, file))
    }

    pub fn files_opt(self, name: &str, files: Option<&Vec<FilePart>>) -> Self {
        match files {
            Some(files) => self.files(name, files),
            None => self,
        }
    }

    /// The form for one attempt (files are opened now).
    pub(crate) async fn form(&self) -> Result<reqwest::multipart::Form, String> {
        let mut form = reqwest::multipart::Form::new();
        for (name, part) in &self.parts {
            let part = match part {
                Part::Text(text) => reqwest::multipart::Part::text(text.clone()),
                Part::Json(text) => reqwest::multipart::Part::text(text.clone())
                    .mime_str("application/json")
                    .map_err(|e| e.to_string())?,
                Part::File(file) => file.part(name).await?,
            };
            form = form.part(name.clone(), part);
        }
        Ok(form)
    }
}

/// What a request sends, kept so that each attempt can send it again.
#[derive(Clone)]
pub(crate) enum Payload {
    /// JSON, form, text or bytes already in memory.
    Bytes {
        content_type: HeaderValue,
        bytes: Bytes,
    },
    Upload {
        content_type: HeaderValue,
        upload: Arc<Upload>,
    },
    Multipart(Multipart),
}

impl Payload {
    /// `request` with this body for one attempt (files are opened, a stream taken, a form built).
    pub(crate) async fn apply(&self, request: reqwest::RequestBuilder) -> Result<reqwest::RequestBuilder, String> {
        Ok(match self {
            Payload::Bytes { content_type, bytes } => {
                request.header(http::header::CONTENT_TYPE, content_type.clone()).body(bytes.clone())
            }
            Payload::Upload { content_type, upload } => {
                let (body, length) = upload.body().await?;
                let request = request.header(http::header::CONTENT_TYPE, content_type.clone()).body(body);
                match length {
                    // A file's length is known: sent as such rather than chunked, which some
                    // servers refuse for uploads.
                    Some(length) => request.header(http::header::CONTENT_LENGTH, length),
                    None => request,
                }
            }
            // reqwest sets the content type with its boundary, and the length when it knows it.
            Payload::Multipart(multipart) => request.multipart(multipart.form().await?),
        })
    }
}
