//! `multipart/form-data` bodies (RFC 7578), built part by part by generated code.

use std::fmt::Display;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use serde::Serialize;

/// A multipart form being built.
pub struct Multipart {
    boundary: String,
    body: Vec<u8>,
}

impl Default for Multipart {
    fn default() -> Self {
        Self::new()
    }
}

impl Multipart {
    pub fn new() -> Self {
        // Unique per form; it only has to not occur in the parts, which a 128-bit value ensures
        // in practice.
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        Multipart {
            boundary: format!("apigen-{nanos:x}-{count:x}"),
            body: Vec::new(),
        }
    }

    fn part(mut self, name: &str, file_name: Option<&str>, content_type: Option<&str>, data: &[u8]) -> Self {
        let name = quote(name);
        self.body.extend_from_slice(format!("--{}\r\nContent-Disposition: form-data; name=\"{name}\"", self.boundary).as_bytes());
        if let Some(file_name) = file_name {
            self.body.extend_from_slice(format!("; filename=\"{}\"", quote(file_name)).as_bytes());
        }
        self.body.extend_from_slice(b"\r\n");
        if let Some(content_type) = content_type {
            self.body.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
        }
        self.body.extend_from_slice(b"\r\n");
        self.body.extend_from_slice(data);
        self.body.extend_from_slice(b"\r\n");
        self
    }

    /// A text part.
    pub fn text(self, name: &str, value: &dyn Display) -> Self {
        self.part(name, None, None, value.to_string().as_bytes())
    }

    pub fn text_opt<T: Display>(self, name: &str, value: Option<T>) -> Self {
        match value {
            Some(value) => self.text(name, &value),
            None => self,
        }
    }

    /// A file part: the bytes as `application/octet-stream`, named after the field.
    pub fn file(self, name: &str, data: &Bytes) -> Self {
        self.part(name, Some(name), Some("application/octet-stream"), data)
    }

    pub fn file_opt(self, name: &str, data: Option<&Bytes>) -> Self {
        match data {
            Some(data) => self.file(name, data),
            None => self,
        }
    }

    /// A structured value as a JSON part.
    pub fn json<T: Serialize + ?Sized>(self, name: &str, value: &T) -> Self {
        let data = serde_json::to_vec(value).unwrap_or_default();
        self.part(name, None, Some("application/json"), &data)
    }

    pub fn json_opt<T: Serialize>(self, name: &str, value: Option<&T>) -> Self {
        match value {
            Some(value) => self.json(name, value),
            None => self,
        }
    }

    /// The `Content-Type` header value and the encoded body.
    pub(crate) fn finish(mut self) -> (String, Bytes) {
        self.body.extend_from_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        (format!("multipart/form-data; boundary={}", self.boundary), Bytes::from(self.body))
    }
}

/// A name inside a quoted header parameter: quotes and line breaks escaped as browsers do.
fn quote(name: &str) -> String {
    name.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_framed_by_the_boundary() {
        let form = Multipart::new()
            .text("parent", &"123")
            .text_opt::<&str>("absent", None)
            .file("file", &Bytes::from_static(b"\x00\x01binary"))
            .json("meta", &serde_json::json!({"a": 1}));
        let boundary = form.boundary.clone();
        let (content_type, body) = form.finish();
        assert_eq!(content_type, format!("multipart/form-data; boundary={boundary}"));
        let expected = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"parent\"\r\n\r\n123\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\"\r\nContent-Type: application/octet-stream\r\n\r\n\x00\x01binary\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{{\"a\":1}}\r\n\
             --{b}--\r\n",
            b = boundary
        );
        assert_eq!(body, Bytes::from(expected));
    }
}
