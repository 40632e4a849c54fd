//! `stowage-training-sim`: a local server that follows the documented
//! OVHcloud AI Training API (jobs and notebooks, their states, data syncs,
//! and the errors the real one answers), because the real API cannot be
//! reached from the test machines. Stowage's client, CLI and window are
//! tested against it.
//!
//! ```text
//! stowage-training-sim --token T [--port 0] [--phase-ms 1000] [--run-seconds 10] [--workdir DIR]
//! ```
//!
//! Prints `listening on http://127.0.0.1:PORT` once ready. With
//! `STOWAGE_SIM_S3_ENDPOINT`, `_REGION`, `_ACCESS_KEY` and `_SECRET_KEY`
//! set, every datastore alias maps to that S3 server and the data phases
//! move real files (see `world.rs`).
//!
//! Test hook: `POST /_sim/fail {"status": 503, "times": 2}` makes the next
//! two API requests answer that status (429 comes with `Retry-After: 0`).

mod world;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Deserialize;
use serde_json::json;
use stowage_jobs::training::model::{DataSyncSpec, JobSpec, Workload};
use stowage_store::s3::{S3Settings, S3Store};
use stowage_sync::SyncState;
use tiny_http::{Header, Method, Response, Server};

use crate::world::{Clock, Data, Refusal, World};

struct Options {
    port: u16,
    token: String,
    clock: Clock,
    workdir: std::path::PathBuf,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        port: 0,
        token: String::new(),
        clock: Clock { phase: Duration::from_millis(1000), run: Duration::from_secs(10) },
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
    Ok(Some(Data { store: Arc::new(S3Store::new(&settings, credentials)), workdir: workdir.to_owned(), state }))
}

#[derive(Default)]
struct Faults {
    status: u16,
    times: u32,
}

fn main() {
    let options = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("stowage-training-sim: {e}");
            std::process::exit(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("stowage-training-sim: {e}");
            std::process::exit(1);
        }
    };
    let data = match data(&options.workdir) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("stowage-training-sim: {e}");
            std::process::exit(2);
        }
    };
    let world = Arc::new(Mutex::new(World::new(runtime.handle().clone(), options.clock.clone(), data)));
    let ticking = world.clone();
    runtime.spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(100)).await;
            ticking.lock().unwrap_or_else(|e| e.into_inner()).tick();
        }
    });

    let server = match Server::http(("127.0.0.1", options.port)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("stowage-training-sim: cannot listen: {e}");
            std::process::exit(1);
        }
    };
    let port = server.server_addr().to_ip().map(|a| a.port()).unwrap_or(options.port);
    println!("listening on http://127.0.0.1:{port}");
    let faults = Mutex::new(Faults::default());
    for mut request in server.incoming_requests() {
        let mut body = String::new();
        let _ = request.as_reader().read_to_string(&mut body);
        let authorized = request
            .headers()
            .iter()
            .any(|h| h.field.equiv("Authorization") && h.value.as_str() == format!("Bearer {}", options.token));
        let (status, answer, retry_after) = handle(request.method(), request.url(), &body, authorized, &world, &faults);
        let mut response = Response::from_string(answer.to_string()).with_status_code(status);
        if let Ok(h) = Header::from_bytes("Content-Type", "application/json") {
            response.add_header(h);
        }
        if retry_after {
            if let Ok(h) = Header::from_bytes("Retry-After", "0") {
                response.add_header(h);
            }
        }
        let _ = request.respond(response);
    }
}

#[derive(Deserialize)]
struct FaultRequest {
    status: u16,
    times: u32,
}

fn handle(
    method: &Method,
    url: &str,
    body: &str,
    authorized: bool,
    world: &Mutex<World>,
    faults: &Mutex<Faults>,
) -> (u16, serde_json::Value, bool) {
    let path = url.split('?').next().unwrap_or(url).trim_end_matches('/');
    if path == "/_sim/fail" && *method == Method::Post {
        return match serde_json::from_str::<FaultRequest>(body) {
            Ok(f) => {
                *faults.lock().unwrap_or_else(|e| e.into_inner()) = Faults { status: f.status, times: f.times };
                (200, json!({}), false)
            }
            Err(e) => (400, json!({ "message": e.to_string() }), false),
        };
    }
    {
        let mut f = faults.lock().unwrap_or_else(|e| e.into_inner());
        if f.times > 0 {
            f.times -= 1;
            return (f.status, json!({ "message": "injected by the simulator" }), f.status == 429);
        }
    }
    if !authorized {
        return (401, json!({ "message": "Invalid or missing token" }), false);
    }
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let mut world = world.lock().unwrap_or_else(|e| e.into_inner());
    let result: Result<serde_json::Value, Refusal> = match (method, segments.as_slice()) {
        (Method::Get, ["v1", kind]) => workload(kind).map(|k| json!(world.list(k))),
        (Method::Post, ["v1", kind]) => workload(kind).and_then(|k| {
            let spec: JobSpec = parse(body)?;
            world.create(k, spec).map(|j| json!(j))
        }),
        (Method::Get, ["v1", kind, id]) => workload(kind).and_then(|k| world.get(k, id).map(|j| json!(j))),
        (Method::Put, ["v1", "job", id, "kill"]) => world.stop(Workload::Job, id).map(|j| json!(j)),
        (Method::Put, ["v1", "notebook", id, "stop"]) => world.stop(Workload::Notebook, id).map(|j| json!(j)),
        (Method::Post, ["v1", kind, id, "datasync"]) => workload(kind).and_then(|k| {
            let spec: DataSyncSpec = parse(body)?;
            world.data_sync(k, id, spec).map(|j| json!(j))
        }),
        _ => Err(Refusal { status: 404, message: format!("no route {method} {path}") }),
    };
    match result {
        Ok(value) => (200, value, false),
        Err(r) => (r.status, json!({ "message": r.message }), false),
    }
}

fn workload(kind: &str) -> Result<Workload, Refusal> {
    match kind {
        "job" => Ok(Workload::Job),
        "notebook" => Ok(Workload::Notebook),
        other => Err(Refusal { status: 404, message: format!("no route /v1/{other}") }),
    }
}

fn parse<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, Refusal> {
    serde_json::from_str(body).map_err(|e| Refusal { status: 400, message: format!("invalid body: {e}") })
}
