//! A client for the AI Training API: list, get, create and stop jobs and
//! notebooks, and ask for an intermediate data sync. Errors come back as
//! sentences that say what to do; rate limits and server errors are retried
//! with backoff where retrying cannot do a thing twice. The app token is
//! never logged, printed or put in an error.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::model::{DataSyncDirection, DataSyncSpec, Job, JobSpec, Workload};

/// Regional endpoints of the API.
pub const REGIONS: &[(&str, &str)] =
    &[("gra", "https://gra.training.ai.cloud.ovh.net"), ("bhs", "https://bhs.training.ai.cloud.ovh.net")];

/// An app token (`ovhai token create`). Debug shows nothing of it.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(***)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum ApiErrorKind {
    /// 401/403: the token is wrong, expired, or lacks the role.
    BadToken,
    /// 404: no such job or notebook.
    NotFound,
    /// 409 (or 400 about the state): the action does not fit the current state.
    WrongState,
    /// 429 after the retries.
    RateLimited,
    /// 5xx after the retries.
    Server,
    /// The API could not be reached.
    Network,
    /// Anything else the API refused (a bad spec, with its message).
    Refused,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub kind: ApiErrorKind,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct Retry {
    pub attempts: u32,
    pub first_backoff: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Self { attempts: 4, first_backoff: Duration::from_millis(500) }
    }
}

#[derive(Debug, Clone)]
pub struct TrainingClient {
    base: String,
    token: Token,
    http: reqwest::Client,
    retry: Retry,
}

impl TrainingClient {
    /// `base` is a region's URL (see [`REGIONS`]) or another server that
    /// follows the API (a proxy, or the local test server).
    pub fn new(base: &str, token: Token) -> Result<Self, ApiError> {
        let base = check_address(base)?;
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("stowage/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ApiError {
                kind: ApiErrorKind::Network,
                message: format!("Cannot start an HTTP client: {e}"),
            })?;
        Ok(Self { base, token, http, retry: Retry::default() })
    }

    pub fn with_retry(mut self, retry: Retry) -> Self {
        self.retry = retry;
        self
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub async fn list(&self, kind: Workload) -> Result<Vec<Job>, ApiError> {
        self.call(Method::GET, &format!("/v1/{}", kind.path()), None::<&()>, true).await
    }

    pub async fn get(&self, kind: Workload, id: &str) -> Result<Job, ApiError> {
        self.call(Method::GET, &format!("/v1/{}/{}", kind.path(), segment(id)?), None::<&()>, true).await
    }

    /// Creates a job. Not retried after a server error: the job may exist.
    pub async fn create_job(&self, spec: &JobSpec) -> Result<Job, ApiError> {
        self.call(Method::POST, "/v1/job", Some(spec), false).await
    }

    /// Stops a job (`kill`) or a notebook (`stop`); its RW volumes are pushed.
    pub async fn stop(&self, kind: Workload, id: &str) -> Result<Job, ApiError> {
        let verb = match kind {
            Workload::Job => "kill",
            Workload::Notebook => "stop",
        };
        self.call(Method::PUT, &format!("/v1/{}/{}/{verb}", kind.path(), segment(id)?), None::<&()>, true).await
    }

    /// Asks for an intermediate push or pull of one volume (by id) or all.
    pub async fn data_sync(
        &self,
        kind: Workload,
        id: &str,
        direction: DataSyncDirection,
        volume: Option<String>,
    ) -> Result<Job, ApiError> {
        let body = DataSyncSpec { direction, volume, manual: true };
        self.call(Method::POST, &format!("/v1/{}/{}/datasync", kind.path(), segment(id)?), Some(&body), false).await
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&impl Serialize>,
        idempotent: bool,
    ) -> Result<T, ApiError> {
        let mut delay = self.retry.first_backoff;
        let mut attempt = 1;
        loop {
            let mut request =
                self.http.request(method.clone(), format!("{}{path}", self.base)).bearer_auth(&self.token.0);
            if let Some(body) = body {
                request = request.json(body);
            }
            let outcome = match request.send().await {
                Ok(response) => read(response, path).await,
                Err(e) => Err(Failure::Network(e)),
            };
            let error = match outcome {
                Ok(value) => return Ok(value),
                Err(failure) => failure,
            };
            // A 429 means the request was not taken: safe to send again. A
            // 5xx or a dropped connection might have done the work already.
            let retry_allowed = match &error {
                Failure::Status { status, .. } if *status == StatusCode::TOO_MANY_REQUESTS => true,
                Failure::Status { status, .. } if status.is_server_error() => idempotent,
                Failure::Network(e) => idempotent || e.is_connect(),
                _ => false,
            };
            if !retry_allowed || attempt >= self.retry.attempts {
                return Err(error.into_api_error(&self.base, path));
            }
            tracing::debug!(%path, attempt, "retrying the AI Training API");
            tokio::time::sleep(error.retry_after().unwrap_or(delay)).await;
            delay = (delay * 2).min(Duration::from_secs(10));
            attempt += 1;
        }
    }
}

/// `base` trimmed, if it is an http(s) address: checked before it is saved.
pub fn check_address(base: &str) -> Result<String, ApiError> {
    let base = base.trim().trim_end_matches('/').to_owned();
    let valid = reqwest::Url::parse(&base).is_ok_and(|u| matches!(u.scheme(), "https" | "http") && u.has_host());
    if !valid {
        return Err(ApiError {
            kind: ApiErrorKind::Refused,
            message: format!(
                "\"{base}\" is not an API address; use https://gra.training.ai.cloud.ovh.net or another region's."
            ),
        });
    }
    Ok(base)
}

/// An id as one path segment: refuses what would change the path.
fn segment(id: &str) -> Result<&str, ApiError> {
    let id = id.trim();
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(ApiError {
            kind: ApiErrorKind::NotFound,
            message: format!("\"{id}\" is not a job or notebook id."),
        });
    }
    Ok(id)
}

enum Failure {
    Status { status: StatusCode, message: String, retry_after: Option<Duration> },
    Network(reqwest::Error),
    Decode(String),
}

async fn read<T: DeserializeOwned>(response: reqwest::Response, path: &str) -> Result<T, Failure> {
    let status = response.status();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .map(|s| Duration::from_secs(s.min(30)));
    let text = response.text().await.map_err(Failure::Network)?;
    if status.is_success() {
        return serde_json::from_str(&text)
            .map_err(|e| Failure::Decode(format!("The API's answer to {path} was not understood: {e}")));
    }
    Err(Failure::Status { status, message: api_message(&text), retry_after })
}

/// The API's own explanation, from `{"message": ...}` when it sends one.
fn api_message(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_owned))
        .unwrap_or_default()
}

impl Failure {
    fn retry_after(&self) -> Option<Duration> {
        match self {
            Failure::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    fn into_api_error(self, base: &str, path: &str) -> ApiError {
        let said = |m: &str| if m.is_empty() { String::new() } else { format!(" The API says: {m}") };
        let (kind, message) = match self {
            Failure::Status { status, message, .. } => match status {
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => (
                    ApiErrorKind::BadToken,
                    format!(
                        "The AI Training app token was refused ({status}). Create one with `ovhai token create NAME --role operator` and enter it again.{}",
                        said(&message)
                    ),
                ),
                StatusCode::NOT_FOUND => (
                    ApiErrorKind::NotFound,
                    format!("There is no such job or notebook ({path}); it may have been deleted.{}", said(&message)),
                ),
                StatusCode::CONFLICT => (
                    ApiErrorKind::WrongState,
                    format!("The job's current state does not allow this.{}", said(&message)),
                ),
                StatusCode::TOO_MANY_REQUESTS => (
                    ApiErrorKind::RateLimited,
                    "The AI Training API is limiting requests; try again in a minute.".to_owned(),
                ),
                s if s.is_server_error() => (
                    ApiErrorKind::Server,
                    format!("The AI Training API failed ({s}) and kept failing after retries; try again later.{}", said(&message)),
                ),
                s => (ApiErrorKind::Refused, format!("The AI Training API refused the request ({s}).{}", said(&message))),
            },
            Failure::Network(e) => (
                ApiErrorKind::Network,
                format!(
                    "The AI Training API at {base} cannot be reached: {}. Check the network and the region.",
                    if e.is_timeout() { "it did not answer in time".to_owned() } else { root_cause(&e) }
                ),
            ),
            Failure::Decode(message) => (ApiErrorKind::Refused, message),
        };
        ApiError { kind, message }
    }
}

/// The innermost cause of a reqwest error, which names the real problem
/// (connection refused, DNS) without the request's headers.
fn root_cause(e: &reqwest::Error) -> String {
    let mut source: &dyn std::error::Error = e;
    while let Some(next) = source.source() {
        source = next;
    }
    source.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_never_prints() {
        let token = Token::new("secret-token-value");
        assert_eq!(format!("{token:?}"), "Token(***)");
        let client = TrainingClient::new("https://gra.training.ai.cloud.ovh.net/", token).expect("client");
        assert!(!format!("{client:?}").contains("secret-token-value"));
        assert_eq!(client.base(), "https://gra.training.ai.cloud.ovh.net");
    }

    #[test]
    fn refuses_what_is_not_an_address_or_an_id() {
        let err = TrainingClient::new("gra.training", Token::new("t")).expect_err("no scheme");
        assert!(err.message.contains("is not an API address"), "{err}");
        assert!(segment("../v1/job").is_err());
        assert_eq!(segment(" 1f2e-3d ").expect("id"), "1f2e-3d");
    }
}
