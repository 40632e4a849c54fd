//! `stowage-training-sim`: a local server that follows OVHcloud's AI
//! Training API (jobs and notebooks, their states, data syncs, logs,
//! capabilities, and the errors the SDK declares), because the real API
//! cannot be reached from the test machines. Its JSON is its own
//! transcription of OVHcloud's SDK (`wire.rs`), checked by the SDK itself
//! in tests/contract; Stowage's client, CLI and window are tested against it.
//!
//! ```text
//! stowage-training-sim --token T [--port 0] [--phase-ms 1000] [--run-seconds 10] [--page-size 50] [--workdir DIR]
//! ```
//!
//! Prints `listening on http://127.0.0.1:PORT` once ready. With
//! `STOWAGE_SIM_S3_ENDPOINT`, `_REGION`, `_ACCESS_KEY` and `_SECRET_KEY`
//! set, every datastore alias maps to that S3 server and the data phases
//! move real files (see `world.rs`).
//!
//! Test hooks: `POST /_sim/fail {"status": 503, "times": 2}` makes the next
//! two API requests answer that status (429 comes with `Retry-After: 0`);
//! `POST /_sim/drop-logs` breaks every followed log stream open now, as a
//! dropped connection would (the client opens it again).

mod catalog;
mod wire;
mod world;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use stowage_store::s3::{S3Settings, S3Store};
use stowage_store::{Storage, StoragePolicy};
use stowage_sync::SyncState;

use crate::world::{Clock, Data, Kind, ListQuery, Refusal, Spec, World};

struct Options {
    port: u16,
    token: String,
    clock: Clock,
    page_size: u32,
    workdir: std::path::PathBuf,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        port: 0,
        token: String::new(),
        clock: Clock { phase: Duration::from_millis(1000), run: Duration::from_secs(10) },
        page_size: 50,
        workdir: std::env::temp_dir().join(format!("stowage-training-sim-{}", std::process::id())),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--port" => o.port = value()?.parse().map_err(|e| format!("--port: {e}"))?,
            "--token" => o.token = value()?,
            "--phase-ms" => {
                o.clock.phase = Duration::from_millis(value()?.parse().map_err(|e| format!("--phase-ms: {e}"))?)
            }
            "--run-seconds" => {
                o.clock.run = Duration::from_secs_f64(value()?.parse().map_err(|e| format!("--run-seconds: {e}"))?)
            }
            "--page-size" => o.page_size = value()?.parse().map_err(|e| format!("--page-size: {e}"))?,
            "--workdir" => o.workdir = value()?.into(),
            other => return Err(format!("unknown option {other}")),
        }
    }
    if o.token.is_empty() {
        return Err("--token is required: the app token clients must send".into());
    }
    Ok(o)
}

/// The S3 server data phases use, from the environment.
fn data(workdir: &std::path::Path) -> Result<Option<Data>, String> {
    let Ok(endpoint) = std::env::var("STOWAGE_SIM_S3_ENDPOINT") else { return Ok(None) };
    let var = |name: &str| std::env::var(name).map_err(|_| format!("{name} is needed with STOWAGE_SIM_S3_ENDPOINT"));
    let mut settings = S3Settings::new(Some(endpoint), var("STOWAGE_SIM_S3_REGION")?);
    settings.path_style = true;
    let credentials = aws_credential_types::Credentials::new(
        var("STOWAGE_SIM_S3_ACCESS_KEY")?,
        var("STOWAGE_SIM_S3_SECRET_KEY")?,
        None,
        None,
        "training-sim",
    );
    std::fs::create_dir_all(workdir).map_err(|e| e.to_string())?;
    let state = SyncState::open(&workdir.join("sync-state.sqlite")).map_err(|e| e.to_string())?;
    let storage = Storage::new(Arc::new(S3Store::new(&settings, credentials)), StoragePolicy::default());
    Ok(Some(Data { storage, workdir: workdir.to_owned(), state }))
}

#[derive(Default)]
struct Faults {
    status: u16,
    times: u32,
}

#[derive(Clone)]
struct Sim {
    world: Arc<Mutex<World>>,
    token: Arc<str>,
    page_size: u32,
    faults: Arc<Mutex<Faults>>,
    /// Bumped by `/_sim/drop-logs`: a followed log that sees it change breaks.
    log_drops: Arc<std::sync::atomic::AtomicU64>,
}

impl Sim {
    fn world(&self) -> std::sync::MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn fail(message: &str) -> ! {
    eprintln!("stowage-training-sim: {message}");
    std::process::exit(2)
}

fn main() {
    let options = options().unwrap_or_else(|e| fail(&e));
    let runtime = tokio::runtime::Runtime::new().unwrap_or_else(|e| fail(&e.to_string()));
    let data = data(&options.workdir).unwrap_or_else(|e| fail(&e));
    let world = Arc::new(Mutex::new(World::new(runtime.handle().clone(), options.clock.clone(), data)));
    let sim = Sim {
        world: world.clone(),
        token: options.token.into(),
        page_size: options.page_size.max(1),
        faults: Arc::default(),
        log_drops: Arc::default(),
    };
    runtime.block_on(async move {
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(100)).await;
                world.lock().unwrap_or_else(|e| e.into_inner()).tick();
            }
        });
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", options.port))
            .await
            .unwrap_or_else(|e| fail(&format!("cannot listen: {e}")));
        let port = listener.local_addr().map(|a| a.port()).unwrap_or(options.port);
        println!("listening on http://127.0.0.1:{port}");
        let app = axum::Router::new().fallback(handle).with_state(sim);
        if let Err(e) = axum::serve(listener, app).await {
            fail(&e.to_string());
        }
    });
}

#[derive(Deserialize)]
struct FaultRequest {
    status: u16,
    times: u32,
}

/// `{"message": ...}` with a status, as the API explains a refusal.
fn refusal(status: u16, message: impl Into<String>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(json!({ "message": message.into() }))).into_response()
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        refusal(self.status, self.message)
    }
}

fn answer(value: serde_json::Value) -> Response {
    axum::Json(value).into_response()
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Refusal> {
    serde_json::from_slice(body).map_err(|e| Refusal { status: 400, message: format!("invalid body: {e}") })
}

async fn handle(
    axum::extract::State(sim): axum::extract::State<Sim>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().trim_end_matches('/');
    let query: Vec<(String, String)> =
        form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes()).into_owned().collect();
    if path == "/_sim/drop-logs" && method == Method::POST {
        sim.log_drops.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        return answer(json!({}));
    }
    if path == "/_sim/fail" && method == Method::POST {
        return match parse::<FaultRequest>(&body) {
            Ok(f) => {
                *sim.faults.lock().unwrap_or_else(|e| e.into_inner()) = Faults { status: f.status, times: f.times };
                answer(json!({}))
            }
            Err(r) => r.into_response(),
        };
    }
    {
        let mut f = sim.faults.lock().unwrap_or_else(|e| e.into_inner());
        if f.times > 0 {
            f.times -= 1;
            let mut response = refusal(f.status, "injected by the simulator");
            if f.status == 429 {
                response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from_static("0"));
            }
            return response;
        }
    }
    let expected = format!("Bearer {}", sim.token);
    if headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) != Some(expected.as_str()) {
        return refusal(401, "Invalid or missing token");
    }
    let number = |name: &str| query.iter().find(|(k, _)| k == name).and_then(|(_, v)| v.parse::<u32>().ok());
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let kind = segments.get(1).and_then(|s| Kind::parse(s));
    let result: Result<Response, Refusal> = match (&method, segments.as_slice(), kind) {
        (&Method::GET, ["v1", "capabilities", "flavor"], _) => Ok(answer(json!(catalog::flavors()))),
        (&Method::GET, ["v1", "capabilities", "notebook", "editor"], _) => Ok(answer(json!(catalog::editors()))),
        (&Method::GET, ["v1", "capabilities", "notebook", "framework"], _) => Ok(answer(json!(catalog::frameworks()))),
        (&Method::GET, ["v1", "capabilities", "job", "image"], _) => Ok(answer(json!(catalog::job_images()))),
        (&Method::GET, ["v1", "capabilities", "quota"], _) => Ok(answer(json!([catalog::quota()]))),
        (&Method::GET, ["v1", _], Some(kind)) => {
            let text = |name: &str| query.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
            let label = match text("labelSelector") {
                None => Ok(None),
                Some(selector) => {
                    selector.split_once('=').map(|(name, value)| Some((name.to_owned(), value.to_owned()))).ok_or_else(
                        || Refusal { status: 400, message: format!("labelSelector {selector} is not name=value") },
                    )
                }
            };
            label.map(|label| {
                let list = ListQuery {
                    page: number("page").unwrap_or(1).max(1),
                    size: number("size").unwrap_or(20).clamp(1, sim.page_size),
                    states: query.iter().filter(|(k, _)| k == "statusState").map(|(_, v)| v.clone()).collect(),
                    newest_first: text("order").as_deref() != Some("asc"),
                    label,
                    updated_after: text("updatedAfter").and_then(|t| t.parse().ok()),
                    sort: text("sort"),
                };
                answer(sim.world().list(kind, &list))
            })
        }
        (&Method::POST, ["v1", _], Some(kind)) => {
            let spec = match kind {
                Kind::Job => parse(&body).map(Spec::Job),
                Kind::Notebook => parse(&body).map(Spec::Notebook),
            };
            spec.and_then(|spec| sim.world().create(spec)).map(answer)
        }
        (&Method::GET, ["v1", _, id], Some(kind)) => sim.world().get(kind, id).map(answer),
        (&Method::DELETE, ["v1", _, id], Some(kind)) => {
            let force = query.iter().any(|(k, v)| k == "force" && v == "true");
            sim.world().delete(kind, id, force).map(|()| StatusCode::NO_CONTENT.into_response())
        }
        (&Method::PUT, ["v1", _, id, "label"], Some(kind)) => parse(&body)
            .and_then(|update| sim.world().set_label(kind, id, update))
            .map(|()| StatusCode::NO_CONTENT.into_response()),
        (&Method::PUT, ["v1", "job", id, "kill"], _) | (&Method::PUT, ["v1", "notebook", id, "stop"], _) => {
            sim.world().stop(kind.unwrap_or(Kind::Job), id).map(|()| StatusCode::NO_CONTENT.into_response())
        }
        (&Method::PUT, ["v1", _, id, "start"], Some(kind)) => {
            sim.world().start(kind, id).map(|()| StatusCode::NO_CONTENT.into_response())
        }
        (&Method::POST, ["v1", _, id, "datasync"], Some(kind)) => {
            parse(&body).and_then(|spec| sim.world().data_sync(kind, id, spec)).map(answer)
        }
        (&Method::GET, ["v1", "job", id, "log"], _) => {
            let follow = query.iter().any(|(k, v)| k == "follow" && v == "true");
            logs(&sim, id, number("tail"), follow)
        }
        _ => Err(Refusal { status: 404, message: format!("no route {method} {path}") }),
    };
    result.unwrap_or_else(IntoResponse::into_response)
}

/// A job's log as text, one line per entry: all of it or the last `tail`
/// lines; with `follow`, the answer stays open and streams new lines until
/// the job ends.
fn logs(sim: &Sim, id: &str, tail: Option<u32>, follow: bool) -> Result<Response, Refusal> {
    let (lines, _) = sim.world().logs(id, 0)?;
    let from = tail.map_or(0, |n| lines.len().saturating_sub(n as usize));
    let text = |lines: &[String]| lines.iter().map(|l| format!("{l}\n")).collect::<String>();
    let plain = [(header::CONTENT_TYPE, "text/plain; charset=utf-8")];
    if !follow {
        return Ok((plain, text(&lines[from..])).into_response());
    }
    let (sim, id) = (sim.clone(), id.to_owned());
    let drops_at_open = sim.log_drops.load(std::sync::atomic::Ordering::SeqCst);
    let stream = futures_util::stream::unfold((from, false), move |(next, ended)| {
        let (sim, id) = (sim.clone(), id.clone());
        async move {
            if ended {
                return None;
            }
            loop {
                if sim.log_drops.load(std::sync::atomic::Ordering::SeqCst) != drops_at_open {
                    // An error in the body aborts the response mid-stream.
                    return Some((Err(std::io::Error::other("dropped by /_sim/drop-logs")), (next, true)));
                }
                let (lines, ended) = sim.world().logs(&id, next).ok()?;
                if !lines.is_empty() || ended {
                    let chunk = Bytes::from(text(&lines));
                    return Some((Ok(chunk), (next + lines.len(), ended)));
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    });
    Ok((plain, Body::from_stream(stream)).into_response())
}
