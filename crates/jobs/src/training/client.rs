//! A client for the AI Training API: list (paged through to the end,
//! filtered by state, label and update time), get, create, stop, start
//! (a notebook, or a DONE or INTERRUPTED job again), delete and label jobs
//! and notebooks, ask for an intermediate data sync, read and follow a
//! job's logs, and read what the platform offers (flavors, notebook
//! editors and frameworks, job images, the project's quota). Each call's
//! path, verb and answer follow OVHcloud's SDK (`ovhai/api/*`). Errors come
//! back as sentences that say what to do; rate limits and server errors are
//! retried with backoff where retrying cannot do a thing twice.
//!
//! The app token is never logged, printed or put in an error, never sent
//! over plain HTTP except to this machine, and never sent after a redirect
//! (none is followed). Answers are read up to a bound, so a server that
//! sends without end cannot fill the memory.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::capabilities::{Flavor, NotebookOption, Quota};
use super::log_resume::{LogCursor, LogOutput};
use super::model::{DataSync, DataSyncDirection, DataSyncSpec, Job, JobSpec, Page, PageMetadata, Workload};

/// Regional endpoints of the API.
pub const REGIONS: &[(&str, &str)] =
    &[("gra", "https://gra.training.ai.cloud.ovh.net"), ("bhs", "https://bhs.training.ai.cloud.ovh.net")];

/// Jobs asked for per page while listing.
const PAGE_SIZE: u32 = 100;
/// A listing stops here even if the API keeps announcing pages.
const MAX_PAGES: u32 = 1_000;
/// How long a followed log may stay open.
const FOLLOW_FOR: Duration = Duration::from_secs(24 * 3600);
/// The most an answer may hold (a page of 100 jobs is well under 1 MiB; a
/// whole log can be long).
const MAX_BODY: usize = 64 << 20;
/// An error's explanation is read up to this.
const MAX_ERROR_BODY: usize = 64 << 10;
/// A followed log's line longer than this is passed on in pieces.
const MAX_LINE: usize = 1 << 20;
/// How many times a followed log that drops is opened again.
const LOG_RECONNECTS: u32 = 5;
/// The lines a reconnected log asks for, to find where it stopped.
const LOG_OVERLAP: u32 = 1_000;
const RECONNECTED: &str =
    "[stowage] The log stream dropped and was opened again; it continues after the last line shown.";
const RECONNECTED_WITH_GAP: &str =
    "[stowage] The log stream dropped and was opened again; lines written meanwhile may be missing above.";

/// Which jobs a listing returns (`GET /v1/job`'s query, SDK `job_get_all`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ListFilter {
    /// Only these states (`RUNNING`, `DONE`...); all when empty.
    #[serde(default)]
    pub states: Vec<String>,
    /// `name=value`: only jobs with this label.
    #[serde(default)]
    pub label_selector: Option<String>,
    /// Oldest first when set; the API's default is newest first.
    #[serde(default)]
    pub oldest_first: bool,
    /// The field to sort by, as the API names it (`status.state`, `createdAt`).
    #[serde(default)]
    pub sort: Option<String>,
    /// Unix seconds: only what changed after.
    #[serde(default)]
    pub updated_after: Option<i64>,
}

impl ListFilter {
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut query: Vec<(&'static str, String)> = self.states.iter().map(|s| ("statusState", s.clone())).collect();
        query.extend(
            self.label_selector.iter().filter(|l| !l.trim().is_empty()).map(|l| ("labelSelector", l.trim().to_owned())),
        );
        if self.oldest_first {
            query.push(("order", "asc".into()));
        }
        query.extend(self.sort.iter().map(|s| ("sort", s.clone())));
        query.extend(self.updated_after.map(|t| ("updatedAfter", t.to_string())));
        query
    }
}

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
    /// 400 or 409 to an action: it does not fit the current state.
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

/// One request: where, and what it is for a person (for the errors).
struct Call<'a> {
    method: Method,
    path: String,
    query: Vec<(&'static str, String)>,
    body: Option<serde_json::Value>,
    /// Safe to send twice (a GET, a stop): retried after a 5xx.
    idempotent: bool,
    /// An action on a job (stop, start, data sync): a 400 or 409 means
    /// its state does not allow it, not that the request was malformed.
    action: bool,
    /// "stop job 1f2e", for "Cannot stop job 1f2e: ...".
    what: &'a str,
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
            .redirect(reqwest::redirect::Policy::none())
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

    /// Every job (or notebook) `filter` lets through, page after page. An
    /// entry this client cannot read is kept by its id (see [`Job::from_listed`]).
    pub async fn list(&self, kind: Workload, filter: &ListFilter) -> Result<Vec<Job>, ApiError> {
        let what = format!("list the {}s", kind.path());
        let mut all = Vec::new();
        // The first page is the API's default one, whatever its index base;
        // its `currentPage` tells which numbering the API uses.
        let mut page: Option<u32> = None;
        let mut first: Option<u32> = None;
        for _ in 0..MAX_PAGES {
            let mut query = vec![("size", PAGE_SIZE.to_string())];
            if let Some(page) = page {
                query.push(("page", page.to_string()));
            }
            query.extend(filter.query());
            let call = Call { query, ..Call::new(format!("/v1/{}", kind.path()), &what) };
            let answer: Page<serde_json::Value> = self.json(&call).await?;
            let empty = answer.items.is_empty();
            all.extend(answer.items.into_iter().map(Job::from_listed));
            let first = *first.get_or_insert(answer.metadata.current_page.unwrap_or(0));
            match next_page(&answer.metadata, first) {
                Some(next) if !empty => page = Some(next),
                _ => break,
            }
        }
        Ok(all)
    }

    pub async fn get(&self, kind: Workload, id: &str) -> Result<Job, ApiError> {
        let what = format!("read {} {id}", kind.path());
        self.json(&Call::new(format!("/v1/{}/{}", kind.path(), segment(id)?), &what)).await
    }

    /// Launches a job (`image` set) or a notebook (`env` set). Not retried
    /// after a server error: it may exist already.
    pub async fn create(&self, kind: Workload, spec: &JobSpec) -> Result<Job, ApiError> {
        let what = format!("launch the {}", kind.path());
        let call = Call {
            method: Method::POST,
            body: Some(to_value(spec)?),
            idempotent: false,
            ..Call::new(format!("/v1/{}", kind.path()), &what)
        };
        self.json(&call).await
    }

    /// Stops a job (`kill`) or a notebook (`stop`); its RW volumes are
    /// pushed back first. The API answers 204 with no body.
    pub async fn stop(&self, kind: Workload, id: &str) -> Result<(), ApiError> {
        let what = format!("stop {} {id}", kind.path());
        let path = format!("/v1/{}/{}/{}", kind.path(), segment(id)?, kind.stop_verb());
        self.send(&Call { method: Method::PUT, action: true, ..Call::new(path, &what) }).await.map(drop)
    }

    /// Starts a stopped notebook, or a DONE or INTERRUPTED job, again
    /// (204, no body): its volumes are pulled again first.
    pub async fn start(&self, kind: Workload, id: &str) -> Result<(), ApiError> {
        let what = format!("start {} {id}", kind.path());
        let path = format!("/v1/{}/{}/start", kind.path(), segment(id)?);
        self.send(&Call { method: Method::PUT, action: true, ..Call::new(path, &what) }).await.map(drop)
    }

    /// Deletes a job or notebook for good (204). Its volumes' containers
    /// keep what was pushed to them; `force` deletes one that still runs.
    pub async fn delete(&self, kind: Workload, id: &str, force: bool) -> Result<(), ApiError> {
        let what = format!("delete {} {id}", kind.path());
        let query = if force { vec![("force", "true".to_owned())] } else { Vec::new() };
        let path = format!("/v1/{}/{}", kind.path(), segment(id)?);
        self.send(&Call { method: Method::DELETE, query, action: true, ..Call::new(path, &what) }).await.map(drop)
    }

    /// Sets a label (`value` given) or removes it (`None`): SDK
    /// `job_edit_label`, a `LabelUpdate` body, 204.
    pub async fn set_label(&self, kind: Workload, id: &str, name: &str, value: Option<&str>) -> Result<(), ApiError> {
        let what = format!("label {} {id}", kind.path());
        let body = serde_json::json!({ "name": name, "value": value });
        let path = format!("/v1/{}/{}/label", kind.path(), segment(id)?);
        self.send(&Call { method: Method::PUT, body: Some(body), action: true, ..Call::new(path, &what) })
            .await
            .map(drop)
    }

    /// Asks for an intermediate push or pull of one volume (by id) or all;
    /// the API answers with the new data sync.
    pub async fn data_sync(
        &self,
        kind: Workload,
        id: &str,
        direction: DataSyncDirection,
        volume: Option<String>,
    ) -> Result<DataSync, ApiError> {
        let what = format!("ask {} {id} for a data sync", kind.path());
        let body = DataSyncSpec { direction, volume, manual: true, job_id: None };
        let call = Call {
            method: Method::POST,
            body: Some(to_value(&body)?),
            idempotent: false,
            action: true,
            ..Call::new(format!("/v1/{}/{}/datasync", kind.path(), segment(id)?), &what)
        };
        self.json(&call).await
    }

    /// A job's logs so far: all of them, or the last `tail` lines.
    pub async fn logs(&self, id: &str, tail: Option<u32>) -> Result<String, ApiError> {
        let what = format!("read the logs of job {id}");
        let call = Call { query: tail_query(tail), ..Call::new(format!("/v1/job/{}/log", segment(id)?), &what) };
        self.send(&call).await
    }

    /// Follows a job's logs (`follow=true`): `line` gets each line as it
    /// arrives; returns when the API closes the stream (the job ended).
    /// A stream that drops is opened again (up to [`LOG_RECONNECTS`] times)
    /// and continues after the last line passed on (see [`LogCursor`]), with
    /// a line that says so. Cancel by dropping the future.
    pub async fn follow_logs(&self, id: &str, tail: Option<u32>, mut line: impl FnMut(&str)) -> Result<(), ApiError> {
        let what = format!("follow the logs of job {id}");
        let path = format!("/v1/job/{}/log", segment(id)?);
        let mut cursor = LogCursor::new(LOG_OVERLAP as usize);
        let mut pass = |outputs: Vec<LogOutput>| {
            for output in outputs {
                match output {
                    LogOutput::Line(text) => line(&text),
                    LogOutput::Reconnected { complete: true } => line(RECONNECTED),
                    LogOutput::Reconnected { complete: false } => line(RECONNECTED_WITH_GAP),
                }
            }
        };
        let mut tail = tail;
        for drops in 0.. {
            let mut query = tail_query(tail);
            query.push(("follow", "true".into()));
            let call = Call { query, ..Call::new(path.clone(), &what) };
            let mut response = self.open(&call, Some(FOLLOW_FOR)).await.map_err(|f| f.into_api_error(self, &call))?;
            let mut pending = Vec::new();
            let dropped = loop {
                match response.chunk().await {
                    Ok(Some(chunk)) => pending.extend_from_slice(&chunk),
                    Ok(None) => break None,
                    Err(e) => break Some(e),
                }
                while let Some(end) =
                    pending.iter().position(|&b| b == b'\n').or((pending.len() >= MAX_LINE).then_some(MAX_LINE - 1))
                {
                    let rest = pending.split_off(end + 1);
                    pass(cursor.accept(String::from_utf8_lossy(&pending).trim_end_matches(['\n', '\r'])));
                    pending = rest;
                }
            };
            match dropped {
                Some(e) if drops < LOG_RECONNECTS => {
                    // The unfinished line comes again with the log's last lines.
                    tracing::debug!(error = %root_cause(&e), "a followed log dropped; opening it again");
                    pass(cursor.finish());
                    cursor.reconnected();
                    tail = Some(LOG_OVERLAP);
                    tokio::time::sleep(self.retry.first_backoff).await;
                }
                Some(e) => return Err(Failure::Network(e).into_api_error(self, &call)),
                None => {
                    if !pending.is_empty() {
                        pass(cursor.accept(&String::from_utf8_lossy(&pending)));
                    }
                    pass(cursor.finish());
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// The flavors jobs and notebooks can run on.
    pub async fn flavors(&self) -> Result<Vec<Flavor>, ApiError> {
        self.json(&Call::new("/v1/capabilities/flavor".into(), "list the flavors")).await
    }

    pub async fn notebook_editors(&self) -> Result<Vec<NotebookOption>, ApiError> {
        self.json(&Call::new("/v1/capabilities/notebook/editor".into(), "list the notebook editors")).await
    }

    pub async fn notebook_frameworks(&self) -> Result<Vec<NotebookOption>, ApiError> {
        self.json(&Call::new("/v1/capabilities/notebook/framework".into(), "list the notebook frameworks")).await
    }

    /// The images OVHcloud offers for jobs.
    pub async fn job_images(&self) -> Result<Vec<NotebookOption>, ApiError> {
        self.json(&Call::new("/v1/capabilities/job/image".into(), "list the job images")).await
    }

    /// How many CPUs and GPUs the project's runs may hold together. The
    /// API answers a list (SDK `List[ProjectQuotas]`): the first entry.
    pub async fn quota(&self) -> Result<Quota, ApiError> {
        let quotas: Vec<Quota> =
            self.json(&Call::new("/v1/capabilities/quota".into(), "read the project's quota")).await?;
        Ok(quotas.into_iter().next().unwrap_or_default())
    }

    async fn json<T: DeserializeOwned>(&self, call: &Call<'_>) -> Result<T, ApiError> {
        let text = self.send(call).await?;
        serde_json::from_str(&text).map_err(|e| ApiError {
            kind: ApiErrorKind::Refused,
            message: format!("Cannot {}: the API's answer was not understood ({e}).", call.what),
        })
    }

    /// Sends `call`, retrying what is safe to retry; the answer's body.
    async fn send(&self, call: &Call<'_>) -> Result<String, ApiError> {
        let mut delay = self.retry.first_backoff;
        let mut attempt = 1;
        loop {
            let failure = match self.open(call, None).await {
                Ok(response) => match read_bounded(response, MAX_BODY).await {
                    Ok(text) => return Ok(text),
                    Err(failure) => failure,
                },
                Err(failure) => failure,
            };
            // A 429 means the request was not taken: safe to send again. A
            // 5xx or a dropped connection might have done the work already.
            let retry_allowed = match &failure {
                Failure::Status { status, .. } if *status == StatusCode::TOO_MANY_REQUESTS => true,
                Failure::Status { status, .. } if status.is_server_error() => call.idempotent,
                Failure::Network(e) => call.idempotent || e.is_connect(),
                _ => false,
            };
            if !retry_allowed || attempt >= self.retry.attempts {
                return Err(failure.into_api_error(self, call));
            }
            tracing::debug!(path = %call.path, attempt, "retrying the AI Training API");
            tokio::time::sleep(failure.retry_after().unwrap_or(delay)).await;
            delay = (delay * 2).min(Duration::from_secs(10));
            attempt += 1;
        }
    }

    /// One attempt: the response once its status says success.
    async fn open(&self, call: &Call<'_>, timeout: Option<Duration>) -> Result<reqwest::Response, Failure> {
        let mut request = self
            .http
            .request(call.method.clone(), format!("{}{}", self.base, call.path))
            .query(&call.query)
            .bearer_auth(&self.token.0);
        if let Some(body) = &call.body {
            request = request.json(body);
        }
        if let Some(timeout) = timeout {
            request = request.timeout(timeout);
        }
        let response = request.send().await.map_err(Failure::Network)?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .map(|s| Duration::from_secs(s.min(30)));
        if status.is_redirection() {
            let to = response.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("");
            return Err(Failure::Redirected { to: to.to_owned() });
        }
        let text = read_bounded(response, MAX_ERROR_BODY).await.unwrap_or_default();
        Err(Failure::Status { status, message: api_message(&text), retry_after })
    }
}

impl<'a> Call<'a> {
    /// A GET of `path`; other verbs and options are set with `..Call::new(...)`.
    fn new(path: String, what: &'a str) -> Self {
        Self { method: Method::GET, path, query: Vec::new(), body: None, idempotent: true, action: false, what }
    }
}

fn to_value(body: &impl Serialize) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(body).map_err(|e| ApiError { kind: ApiErrorKind::Refused, message: e.to_string() })
}

fn tail_query(tail: Option<u32>) -> Vec<(&'static str, String)> {
    tail.map(|n| vec![("tail", n.to_string())]).unwrap_or_default()
}

/// The page after the one `metadata` describes, if the API announced one.
/// `first` is the index the API gave its first page (0 or 1).
fn next_page(metadata: &PageMetadata, first: u32) -> Option<u32> {
    let current = metadata.current_page?;
    let count = metadata.page_count?;
    let seen = current.checked_sub(first)? + 1;
    (seen < count).then_some(current + 1)
}

/// `base` trimmed, if it is an http(s) address: checked before it is saved.
/// Plain `http://` only to this machine (the local test server): anywhere
/// else the token would cross the network readable.
pub fn check_address(base: &str) -> Result<String, ApiError> {
    let base = base.trim().trim_end_matches('/').to_owned();
    let refuse = |message: String| Err(ApiError { kind: ApiErrorKind::Refused, message });
    let url = match reqwest::Url::parse(&base) {
        Ok(url) if matches!(url.scheme(), "https" | "http") && url.has_host() => url,
        _ => {
            return refuse(format!(
                "\"{base}\" is not an API address; use https://gra.training.ai.cloud.ovh.net or another region's."
            ))
        }
    };
    let host = url.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
    let loopback =
        host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if url.scheme() == "http" && !loopback {
        return refuse(format!(
            "\"{base}\" is plain http://: the app token would cross the network readable. Use https://, as the regions do (plain http:// is for a server on this machine)."
        ));
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
    Status {
        status: StatusCode,
        message: String,
        retry_after: Option<Duration>,
    },
    Network(reqwest::Error),
    /// A 3xx: never followed, so the token goes nowhere else.
    Redirected {
        to: String,
    },
    TooLarge,
}

/// The answer's body as text, refused past `limit` bytes.
async fn read_bounded(mut response: reqwest::Response, limit: usize) -> Result<String, Failure> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(Failure::Network)? {
        if body.len() + chunk.len() > limit {
            return Err(Failure::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&body).into_owned())
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
            Failure::Network(_) | Failure::Redirected { .. } | Failure::TooLarge => None,
        }
    }

    fn into_api_error(self, client: &TrainingClient, call: &Call<'_>) -> ApiError {
        let said = |m: &str| if m.is_empty() { String::new() } else { format!(" The API says: {m}") };
        let what = call.what;
        let (kind, message) = match self {
            Failure::Status { status, message, .. } => match status {
                StatusCode::UNAUTHORIZED => (
                    ApiErrorKind::BadToken,
                    format!(
                        "Cannot {what}: the AI Training app token was refused (401). Create one with `ovhai token create NAME --role operator` and enter it again.{}",
                        said(&message)
                    ),
                ),
                StatusCode::FORBIDDEN => (
                    ApiErrorKind::BadToken,
                    format!(
                        "Cannot {what}: the app token is not allowed to (403). A token made with `--role read` can only look; create one with `ovhai token create NAME --role operator` and enter it again.{}",
                        said(&message)
                    ),
                ),
                StatusCode::NOT_FOUND => (
                    ApiErrorKind::NotFound,
                    format!(
                        "Cannot {what}: the API at {} does not know it (404). It may have been deleted, or it runs in another region: check the region in the Jobs connection.{}",
                        client.base,
                        said(&message)
                    ),
                ),
                StatusCode::BAD_REQUEST | StatusCode::CONFLICT if call.action => (
                    ApiErrorKind::WrongState,
                    format!(
                        "Cannot {what} in its current state ({}). Refresh to see where it is now.{}",
                        status.as_u16(),
                        said(&message)
                    ),
                ),
                StatusCode::BAD_REQUEST => (
                    ApiErrorKind::Refused,
                    format!("Cannot {what}: the API refused what was sent (400); correct it and try again.{}", said(&message)),
                ),
                StatusCode::PAYMENT_REQUIRED => (
                    ApiErrorKind::Refused,
                    format!(
                        "Cannot {what}: the Public Cloud project cannot pay for it (402). Check its billing and quotas in the OVHcloud Control Panel.{}",
                        said(&message)
                    ),
                ),
                StatusCode::TOO_MANY_REQUESTS => (
                    ApiErrorKind::RateLimited,
                    format!("Cannot {what}: the AI Training API is limiting requests; try again in a minute."),
                ),
                s if s.is_server_error() => (
                    ApiErrorKind::Server,
                    format!(
                        "Cannot {what}: the AI Training API failed ({}) and kept failing after retries; try again later.{}",
                        s.as_u16(),
                        said(&message)
                    ),
                ),
                s => (
                    ApiErrorKind::Refused,
                    format!("Cannot {what}: the AI Training API refused ({}).{}", s.as_u16(), said(&message)),
                ),
            },
            Failure::Redirected { to } => (
                ApiErrorKind::Refused,
                format!(
                    "Cannot {what}: the API at {} answered with a redirect to {to}. Stowage does not follow it, so the app token goes nowhere else; set the API's own address in the Jobs connection.",
                    client.base
                ),
            ),
            Failure::TooLarge => (
                ApiErrorKind::Refused,
                format!("Cannot {what}: the API's answer is larger than {} MiB; Stowage stopped reading it.", MAX_BODY >> 20),
            ),
            Failure::Network(e) => (
                ApiErrorKind::Network,
                format!(
                    "Cannot {what}: the AI Training API at {} cannot be reached ({}). Check the network and the region.",
                    client.base,
                    if e.is_timeout() { "it did not answer in time".to_owned() } else { root_cause(&e) }
                ),
            ),
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

    #[test]
    fn pages_are_followed_whichever_index_the_first_has() {
        let page = |current, count| PageMetadata { current_page: Some(current), page_count: Some(count), total: None };
        // Numbered from 1: pages 1, 2, 3.
        assert_eq!(next_page(&page(1, 3), 1), Some(2));
        assert_eq!(next_page(&page(3, 3), 1), None);
        // Numbered from 0: pages 0, 1, 2.
        assert_eq!(next_page(&page(0, 3), 0), Some(1));
        assert_eq!(next_page(&page(2, 3), 0), None);
        assert_eq!(next_page(&page(1, 1), 1), None);
        // Without metadata, one page is all there is.
        assert_eq!(next_page(&PageMetadata::default(), 0), None);
    }
}
