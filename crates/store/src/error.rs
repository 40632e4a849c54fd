use std::fmt;

/// What went wrong, in the terms a caller acts on. [`StoreError::retryable`]
/// tells whether trying again can help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The container, object or multipart upload does not exist.
    NotFound,
    /// The container already exists.
    AlreadyExists,
    /// A condition the operation relies on does not hold (container not empty,
    /// a key the backend cannot hold beside another).
    Precondition,
    /// The request itself is wrong (bad name, parts out of order); retrying
    /// the same request fails the same way.
    InvalidInput,
    /// The service does not hold a multipart upload's part as the completion
    /// names it (S3's InvalidPart): that part must be sent again first.
    PartMismatch,
    /// The credentials were refused: unknown access key or wrong secret.
    Auth,
    /// The credentials are valid but lack permission.
    AccessDenied,
    /// The service could not be reached: DNS, refused connection, TLS, reset.
    Network,
    /// No answer in time.
    Timeout,
    /// The service asked us to slow down (503 SlowDown, 429).
    Throttled,
    /// The service failed (5xx).
    Server,
    /// A local file could not be read or written.
    Io,
    /// The service answered something this client does not understand.
    Protocol,
    /// The caller cancelled the work (a cancelled transfer).
    Cancelled,
}

impl ErrorKind {
    pub fn retryable(self) -> bool {
        matches!(self, Self::Network | Self::Timeout | Self::Throttled | Self::Server)
    }
}

/// `text` as a person should read it: without the "(os error 2)" numbers the
/// operating system appends, and without Markdown backticks some libraries
/// put around names.
pub fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(" (os error ") {
        out.push_str(&rest[..at]);
        let after = &rest[at + " (os error ".len()..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        rest = match after[digits..].strip_prefix(')') {
            Some(tail) if digits > 0 => tail,
            _ => {
                out.push_str(" (os error ");
                after
            }
        };
    }
    out.push_str(rest);
    out.replace('`', "")
}

/// An error from a store: its kind and a sentence for a person.
#[derive(Debug, thiserror::Error)]
pub struct StoreError {
    kind: ErrorKind,
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StoreError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into(), source: None }
    }

    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn retryable(&self) -> bool {
        self.kind.retryable()
    }

    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }

    /// What this kind of store cannot do at all (a folder has no versions).
    pub fn unsupported(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }

    pub fn no_container(container: &str) -> Self {
        Self::not_found(format!("The container \"{container}\" does not exist."))
    }

    pub fn no_object(container: &str, key: &str) -> Self {
        Self::not_found(format!("No object \"{key}\" in container \"{container}\"."))
    }

    pub fn cancelled(what: impl fmt::Display) -> Self {
        Self::new(ErrorKind::Cancelled, format!("{what} was cancelled."))
    }

    pub fn no_upload(upload_id: &str) -> Self {
        Self::not_found(format!("The multipart upload {upload_id} does not exist (finished or aborted)."))
    }

    /// A local file operation failed; `what` says which, in a few words.
    pub fn io(what: impl fmt::Display, err: std::io::Error) -> Self {
        let kind = match err.kind() {
            std::io::ErrorKind::NotFound => ErrorKind::NotFound,
            _ => ErrorKind::Io,
        };
        Self::new(kind, format!("{what}: {err}")).with_source(err)
    }
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn os_error_numbers_and_backticks_are_left_out() {
        assert_eq!(
            plain("Cannot read /data/x.bin: No such file or directory (os error 2)"),
            "Cannot read /data/x.bin: No such file or directory"
        );
        assert_eq!(plain("a (os error 13): b (os error 28)."), "a: b.");
        assert_eq!(plain("the `runs` container"), "the runs container");
        assert_eq!(plain("kept (os error x)"), "kept (os error x)");
    }
}
