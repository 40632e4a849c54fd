//! Stowage's AI Training client against the local server (the real API
//! cannot be reached from here; tests/contract checks the server's answers
//! with OVHcloud's SDK): every call, paging, logs, notebooks, flavors, every
//! error class, the retries, and a token that never shows. With the S3
//! server scripts/test starts, a job's data phases move real files.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use stowage_jobs::training::model::{DataSyncDirection, JobSpec, State, Workload};
use stowage_jobs::training::{job_spec, ApiErrorKind, Job, LaunchForm, ListFilter, Retry, Token, TrainingClient};
use stowage_jobs::Volume;

const TOKEN: &str = "CANARY-training-token-5f1d0c";

struct Sim {
    child: Child,
    url: String,
}

impl Sim {
    fn start(envs: &[(&str, String)]) -> Self {
        Self::start_with(envs, &[])
    }

    fn start_with(envs: &[(&str, String)], args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_stowage-training-sim"))
            .args(["--token", TOKEN, "--phase-ms", "200", "--run-seconds", "1.5"])
            .args(args)
            .envs(envs.iter().map(|(k, v)| (*k, v.as_str())))
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the simulator");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("read");
        let url = line.trim().strip_prefix("listening on ").expect("the listening line").to_owned();
        Self { child, url }
    }

    fn client(&self, token: &str) -> TrainingClient {
        TrainingClient::new(&self.url, Token::new(token))
            .expect("client")
            .with_retry(Retry { attempts: 3, first_backoff: Duration::from_millis(20) })
    }

    /// The simulator's test hook: the next `times` API requests answer `status`.
    fn fail_next(&self, status: u16, times: u32) {
        hook(&self.url, "/_sim/fail", &format!(r#"{{"status": {status}, "times": {times}}}"#));
    }
}

/// POSTs to one of the simulator's test hooks (no token: they are not the API).
fn hook(url: &str, path: &str, body: &str) {
    let answer = post(url, path, "", body);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

/// A plain HTTP/1.1 POST of JSON, as another tool would send it: the whole answer.
fn post(url: &str, path: &str, headers: &str, body: &str) -> String {
    use std::io::{Read, Write};
    let address = url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).expect("connect");
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {address}\r\n{headers}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    answer
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn form(volumes: Vec<Volume>, seconds: &str) -> LaunchForm {
    LaunchForm {
        name: "stowage-test".into(),
        image: "pytorch/pytorch:latest".into(),
        command: format!("sleep {seconds}"),
        gpu: Some(1),
        volumes,
        ..LaunchForm::default()
    }
}

fn spec(volumes: Vec<Volume>, seconds: &str) -> JobSpec {
    job_spec(&form(volumes, seconds)).expect("spec")
}

async fn wait_for(client: &TrainingClient, kind: Workload, id: &str, want: State) -> Job {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let job = client.get(kind, id).await.expect("get");
        if job.status.state == want {
            return job;
        }
        assert!(Instant::now() < deadline, "stuck in {} waiting for {want}", job.status.state);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn wait_for_state(client: &TrainingClient, id: &str, want: State) -> Job {
    wait_for(client, Workload::Job, id, want).await
}

fn volume(text: &str) -> Volume {
    text.parse().expect("volume")
}

#[tokio::test]
async fn a_job_goes_through_its_phases_and_syncs_on_request() {
    let sim = Sim::start(&[]);
    let client = sim.client(TOKEN);
    let job =
        client.create(Workload::Job, &spec(vec![volume("out@GRA:/workspace/out:rw")], "3")).await.expect("create");
    assert_eq!(job.status.state, State::Queued);
    assert_eq!(job.spec.resources.gpu_model.as_deref(), Some("Tesla V100S"), "the platform fills resources in");
    assert_eq!(client.list(Workload::Job, &ListFilter::default()).await.expect("list").len(), 1);

    // Not running yet: a sync is refused, and the sentence says why.
    let err = client.data_sync(Workload::Job, &job.id, DataSyncDirection::Push, None).await.expect_err("queued");
    assert_eq!(err.kind, ApiErrorKind::WrongState, "{err}");
    assert!(err.message.contains("current state"), "{err}");

    let running = wait_for_state(&client, &job.id, State::Running).await;
    assert!(
        running.status.data_sync.iter().any(|d| d.status.progress.iter().all(|p| p.state == "DONE")),
        "the pull shows as done"
    );
    let pull = &running.status.data_sync[0];
    assert_eq!(pull.status.info.as_ref().and_then(|i| i.code.as_deref()), Some("DATASYNC_DONE"));
    assert_eq!(pull.status.progress[0].mount_path(), Some("/workspace/out"));
    let volume_id = running.status.volumes[0].id.clone();
    let asked =
        client.data_sync(Workload::Job, &job.id, DataSyncDirection::Push, volume_id.clone()).await.expect("sync now");
    assert_eq!(asked.status.state, "QUEUED", "the answer is the new data sync");
    assert_eq!(asked.spec.as_ref().and_then(|s| s.volume.clone()), volume_id);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let job = client.get(Workload::Job, &job.id).await.expect("get");
        let manual = job.status.data_sync.iter().find(|d| d.id == asked.id).expect("the manual sync");
        if manual.status.state == "DONE" {
            assert_eq!(manual.status.progress[0].processed, manual.status.progress[0].total);
            break;
        }
        assert!(Instant::now() < deadline, "the manual sync did not finish: {manual:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let done = wait_for_state(&client, &job.id, State::Done).await;
    assert!(done.status.volumes[0].last_pushed_created_at.is_some(), "FINALIZING pushed the RW volume");
    assert_eq!(done.status.exit_code, Some(0));

    // Stopping a finished job is a state error (the API answers 400).
    let err = client.stop(Workload::Job, &job.id).await.expect_err("already done");
    assert_eq!(err.kind, ApiErrorKind::WrongState, "{err}");
}

#[tokio::test]
async fn a_killed_job_answers_no_content_and_is_interrupted_after_finalizing() {
    let sim = Sim::start(&[]);
    let client = sim.client(TOKEN);
    let job = client.create(Workload::Job, &spec(vec![], "60")).await.expect("create");
    wait_for_state(&client, &job.id, State::Running).await;
    client.stop(Workload::Job, &job.id).await.expect("kill answers 204 with no body, and that is success");
    let ended = wait_for_state(&client, &job.id, State::Interrupted).await;
    let states: Vec<State> = ended.status.history.iter().map(|h| h.state.clone()).collect();
    assert!(states.contains(&State::Interrupting) && states.contains(&State::Finalizing), "{states:?}");
}

#[tokio::test]
async fn lists_are_read_page_after_page() {
    let sim = Sim::start_with(&[], &["--page-size", "2"]);
    let client = sim.client(TOKEN);
    let mut created = Vec::new();
    for _ in 0..5 {
        created.push(client.create(Workload::Job, &spec(vec![], "60")).await.expect("create").id);
    }
    let mut listed: Vec<String> =
        client.list(Workload::Job, &ListFilter::default()).await.expect("list").into_iter().map(|j| j.id).collect();
    assert_eq!(listed.len(), 5, "three pages of at most two");
    listed.sort();
    created.sort();
    assert_eq!(listed, created);
    assert!(client.list(Workload::Notebook, &ListFilter::default()).await.expect("no notebooks").is_empty());
}

#[tokio::test]
async fn logs_are_read_and_followed_to_the_end() {
    let sim = Sim::start(&[]);
    let client = sim.client(TOKEN);
    let job =
        client.create(Workload::Job, &spec(vec![volume("out@GRA:/workspace/out:rw")], "2")).await.expect("create");
    let mut lines = Vec::new();
    client.follow_logs(&job.id, None, |line| lines.push(line.to_owned())).await.expect("follow");
    assert!(lines.last().is_some_and(|l| l.ends_with("Job DONE")), "followed until the end: {lines:?}");
    assert!(lines.iter().any(|l| l.contains("Running: sleep 2")), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains("Pushed /workspace/out (out@GRA)")), "{lines:?}");
    let tail = client.logs(&job.id, Some(2)).await.expect("tail");
    assert_eq!(tail.lines().collect::<Vec<_>>(), lines[lines.len() - 2..]);
    let all = client.logs(&job.id, None).await.expect("all");
    assert_eq!(all.lines().count(), lines.len());
}

#[tokio::test]
async fn a_followed_log_that_drops_continues_where_it_stopped() {
    let sim = Sim::start(&[]);
    let client = sim.client(TOKEN);
    let job = client.create(Workload::Job, &spec(Vec::new(), "3")).await.expect("create");
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let url = sim.url.clone();
    let dropper = {
        let seen = seen.clone();
        tokio::spawn(async move {
            // Once the job runs and some lines are shown, every open log stream breaks.
            while !seen.lock().expect("lines").iter().any(|l| l.contains("Running:")) {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            tokio::task::spawn_blocking(move || hook(&url, "/_sim/drop-logs", "{}")).await.expect("hook");
        })
    };
    let sink = seen.clone();
    client.follow_logs(&job.id, None, |line| sink.lock().expect("lines").push(line.to_owned())).await.expect("follow");
    dropper.await.expect("dropper");
    let lines = seen.lock().expect("lines").clone();
    let notice = lines.iter().position(|l| l.starts_with("[stowage]")).expect("the reconnect is said");
    assert!(lines[notice].contains("continues after the last line shown"), "{}", lines[notice]);
    let shown: Vec<&String> = lines.iter().filter(|l| !l.starts_with("[stowage]")).collect();
    let all = client.logs(&job.id, None).await.expect("all");
    assert_eq!(shown, all.lines().collect::<Vec<_>>().iter().collect::<Vec<_>>(), "every line once, in order");
    assert!(shown.last().is_some_and(|l| l.ends_with("Job DONE")));
}

#[tokio::test]
async fn a_finished_job_restarts_is_labelled_filtered_and_deleted() {
    let sim = Sim::start(&[]);
    let client = sim.client(TOKEN);
    let form = LaunchForm { labels: "team=vision".into(), ..form(Vec::new(), "0.2") };
    let job = client.create(Workload::Job, &job_spec(&form).expect("spec")).await.expect("create");
    let other = client.create(Workload::Job, &spec(Vec::new(), "30")).await.expect("create");
    // Running: neither restart nor a plain delete is allowed.
    wait_for_state(&client, &other.id, State::Running).await;
    assert_eq!(client.start(Workload::Job, &other.id).await.expect_err("running").kind, ApiErrorKind::WrongState);
    assert_eq!(
        client.delete(Workload::Job, &other.id, false).await.expect_err("running").kind,
        ApiErrorKind::WrongState
    );

    let done = wait_for_state(&client, &job.id, State::Done).await;
    client.start(Workload::Job, &job.id).await.expect("restart");
    let again = wait_for_state(&client, &job.id, State::Done).await;
    assert!(again.status.history.len() > done.status.history.len(), "a second run, under the same id");

    let by_label = |selector: &str| ListFilter { label_selector: Some(selector.into()), ..ListFilter::default() };
    let ids = |jobs: Vec<Job>| jobs.into_iter().map(|j| j.id).collect::<Vec<_>>();
    assert_eq!(
        ids(client.list(Workload::Job, &by_label("team=vision")).await.expect("list")),
        std::slice::from_ref(&job.id)
    );
    client.set_label(Workload::Job, &job.id, "team", Some("nlp")).await.expect("relabel");
    client.set_label(Workload::Job, &other.id, "stage", Some("tune")).await.expect("label");
    assert!(client.list(Workload::Job, &by_label("team=vision")).await.expect("list").is_empty());
    assert_eq!(
        ids(client.list(Workload::Job, &by_label("team=nlp")).await.expect("list")),
        std::slice::from_ref(&job.id)
    );
    client.set_label(Workload::Job, &job.id, "team", None).await.expect("unlabel");
    assert!(client.get(Workload::Job, &job.id).await.expect("get").spec.labels.is_empty());
    let running = ListFilter { states: vec!["RUNNING".into()], ..ListFilter::default() };
    assert_eq!(ids(client.list(Workload::Job, &running).await.expect("list")), std::slice::from_ref(&other.id));
    let oldest = ListFilter { oldest_first: true, ..ListFilter::default() };
    assert_eq!(ids(client.list(Workload::Job, &oldest).await.expect("list")), [job.id.clone(), other.id.clone()]);
    // Only what changed after a moment: the label just set on `other` changed it.
    let future = ListFilter { updated_after: Some(i64::MAX / 2), ..ListFilter::default() };
    assert!(client.list(Workload::Job, &future).await.expect("list").is_empty());

    client.delete(Workload::Job, &job.id, false).await.expect("delete");
    assert_eq!(client.get(Workload::Job, &job.id).await.expect_err("gone").kind, ApiErrorKind::NotFound);
    client.delete(Workload::Job, &other.id, true).await.expect("forced");
    assert!(client.list(Workload::Job, &ListFilter::default()).await.expect("list").is_empty());
}

#[tokio::test]
async fn quota_images_and_odd_volumes() {
    let sim = Sim::start(&[]);
    let client = sim.client(TOKEN);
    let quota = client.quota().await.expect("quota");
    assert_eq!(quota.limit("GPU"), Some(4));
    assert!(quota.exceeded("GPU", 5, 0).is_some());
    assert!(!client.job_images().await.expect("images").is_empty());
    // A job launched by another tool, with a permission and sources the form does not write.
    let body = serde_json::json!({"image": "busybox", "volumes": [
        {"mountPath": "/workspace/legacy", "permission": "R", "privateSwift": {"container": "old", "region": "GRA"}},
        {"mountPath": "/workspace/scratch", "permission": "RW", "standalone": {}}]});
    let answer = post(&sim.url, "/v1/job", &format!("Authorization: Bearer {TOKEN}\r\n"), &body.to_string());
    let (head, json) = answer.split_once("\r\n\r\n").expect("an HTTP answer");
    assert!(head.starts_with("HTTP/1.1 200"), "{answer}");
    let created: Job = serde_json::from_str(json).expect("job");
    let listed = client.list(Workload::Job, &ListFilter::default()).await.expect("the list stands");
    let odd = listed.iter().find(|j| j.id == created.id).expect("listed");
    assert_eq!(serde_json::to_value(&odd.spec.volumes[0].permission).expect("json"), "R");
    assert!(odd.spec.volumes[0].private_swift.is_some() && odd.spec.volumes[1].standalone.is_some());
}

#[tokio::test]
async fn a_notebook_starts_stops_and_starts_again() {
    let sim = Sim::start(&[]);
    let client = sim.client(TOKEN);
    let editors = client.notebook_editors().await.expect("editors");
    let frameworks = client.notebook_frameworks().await.expect("frameworks");
    let notebook = LaunchForm {
        kind: Workload::Notebook,
        editor: editors[0].id.clone(),
        framework: frameworks[0].id.clone(),
        framework_version: frameworks[0].versions[0].clone(),
        volumes: vec![volume("notes@GRA:/workspace/notes:rw")],
        ..LaunchForm::default()
    };
    let created = client.create(Workload::Notebook, &job_spec(&notebook).expect("spec")).await.expect("create");
    assert_eq!(created.spec.image, None);
    assert_eq!(created.spec.env.as_ref().and_then(|e| e.editor_id.as_deref()), Some(editors[0].id.as_str()));
    let running = wait_for(&client, Workload::Notebook, &created.id, State::Running).await;
    assert!(running.status.url.as_deref().is_some_and(|u| u.starts_with("https://")));
    assert!(running.status.last_started_at.is_some());
    client.stop(Workload::Notebook, &created.id).await.expect("stop");
    let stopped = wait_for(&client, Workload::Notebook, &created.id, State::Stopped).await;
    assert!(stopped.status.last_stopped_at.is_some());
    client.start(Workload::Notebook, &created.id).await.expect("start");
    wait_for(&client, Workload::Notebook, &created.id, State::Running).await;
}

#[tokio::test]
async fn flavors_come_from_the_platform_and_a_spec_names_one() {
    let sim = Sim::start(&[]);
    let client = sim.client(TOKEN);
    let flavors = client.flavors().await.expect("flavors");
    let gpu = flavors.iter().find(|f| f.is_gpu() && !f.default).expect("a GPU flavor");
    let max = gpu.max.expect("max");
    let job = client
        .create(
            Workload::Job,
            &job_spec(&LaunchForm { flavor: gpu.id.clone(), gpu: Some(max), ..form(vec![], "1") }).expect("spec"),
        )
        .await
        .expect("create");
    assert_eq!(job.spec.resources.flavor.as_deref(), Some(gpu.id.as_str()));
    assert_eq!(job.spec.resources.gpu, Some(max));
    let too_many = LaunchForm { flavor: gpu.id.clone(), gpu: Some(max + 1), ..form(vec![], "1") };
    let err = client.create(Workload::Job, &job_spec(&too_many).expect("spec")).await.expect_err("over the max");
    assert_eq!(err.kind, ApiErrorKind::Refused);
    assert!(err.message.contains(&format!("1 to {max}")), "the API's reason is passed on: {err}");
}

#[tokio::test]
async fn each_error_class_gets_its_sentence() {
    let sim = Sim::start(&[]);
    let err = sim.client("wrong-token").list(Workload::Job, &ListFilter::default()).await.expect_err("bad token");
    assert_eq!(err.kind, ApiErrorKind::BadToken);
    assert!(err.message.contains("ovhai token create"), "{err}");

    let client = sim.client(TOKEN);
    sim.fail_next(403, 1);
    let err = client.list(Workload::Job, &ListFilter::default()).await.expect_err("forbidden");
    assert_eq!(err.kind, ApiErrorKind::BadToken);
    assert!(err.message.contains("--role operator"), "a read-only token is told what to do: {err}");

    let err = client.get(Workload::Job, "0000-missing").await.expect_err("unknown");
    assert_eq!(err.kind, ApiErrorKind::NotFound);
    assert!(err.message.contains("region"), "{err}");
    let err = client.create(Workload::Job, &JobSpec::default()).await.expect_err("no image");
    assert_eq!(err.kind, ApiErrorKind::Refused);
    assert!(err.message.contains("image"), "the API's message is passed on: {err}");

    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let offline = TrainingClient::new(&format!("http://127.0.0.1:{closed}"), Token::new(TOKEN))
        .expect("client")
        .with_retry(Retry { attempts: 2, first_backoff: Duration::from_millis(10) });
    let err = offline.list(Workload::Job, &ListFilter::default()).await.expect_err("nothing listens");
    assert_eq!(err.kind, ApiErrorKind::Network);
    assert!(err.message.contains("cannot be reached"), "{err}");
    assert!(!err.message.contains(TOKEN));
}

#[tokio::test]
async fn retries_what_is_safe_to_retry_and_nothing_else() {
    let sim = Sim::start(&[]);
    let client = sim.client(TOKEN);

    sim.fail_next(503, 2);
    client.list(Workload::Job, &ListFilter::default()).await.expect("a GET survives two 503s");

    sim.fail_next(503, 5);
    let err = client.list(Workload::Job, &ListFilter::default()).await.expect_err("three attempts, all 503");
    assert_eq!(err.kind, ApiErrorKind::Server);
    sim.fail_next(503, 0);

    sim.fail_next(429, 2);
    client.create(Workload::Job, &spec(vec![], "1")).await.expect("a create survives rate limiting");
    assert_eq!(client.list(Workload::Job, &ListFilter::default()).await.expect("list").len(), 1);

    // A 500 on create may mean the job exists: no second POST.
    sim.fail_next(500, 1);
    let err = client.create(Workload::Job, &spec(vec![], "1")).await.expect_err("not retried");
    assert_eq!(err.kind, ApiErrorKind::Server);
    assert_eq!(client.list(Workload::Job, &ListFilter::default()).await.expect("list").len(), 1, "no duplicate job");
}

/// Everything the client logs at TRACE, and every error it returns: the
/// token appears in none of them.
#[tokio::test]
async fn the_token_never_reaches_a_log_or_an_error() {
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buffer {
        fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("lock").extend_from_slice(data);
            Ok(data.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let logs = Buffer::default();
    let writer = logs.clone();
    let subscriber =
        tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_writer(move || writer.clone()).finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let sim = Sim::start(&[]);
    let client = sim.client(TOKEN);
    let mut said = format!("{client:?}");
    sim.fail_next(503, 1);
    said += &format!("{:?}", client.list(Workload::Job, &ListFilter::default()).await);
    said += &format!("{:?}", client.get(Workload::Job, "missing").await);
    said += &format!("{:?}", sim.client(&format!("{TOKEN}-wrong")).list(Workload::Job, &ListFilter::default()).await);
    let logged = String::from_utf8_lossy(&logs.0.lock().expect("lock")).into_owned();
    assert!(logged.contains("retrying"), "the retry was logged: {logged}");
    assert!(!logged.contains(TOKEN), "the token leaked into a log line");
    assert!(!said.contains(TOKEN), "the token leaked into an answer or error: {said}");
}

/// The rehearsal: INITIALIZING pulls the dataset from S3 into the job's
/// folder, the "job" writes a checkpoint, FINALIZING pushes it back.
#[tokio::test]
#[ignore = "needs the S3 server that scripts/test starts"]
async fn data_phases_move_real_files() {
    use stowage_store::{test_env, ObjectStore};
    let store = test_env::s3_store();
    let container = test_env::unique_container("sim");
    store.create_container(&container).await.expect("container");
    for (key, body) in [("train/a.csv", "1,cat"), ("train/sub/b.csv", "2,dog")] {
        store.put(&container, key, bytes::Bytes::from(body), &Default::default()).await.expect("seed");
    }
    let workdir = tempfile::tempdir().expect("tempdir");
    let envs = [
        ("STOWAGE_SIM_S3_ENDPOINT", test_env::var("STOWAGE_TEST_S3_ENDPOINT")),
        ("STOWAGE_SIM_S3_REGION", test_env::var("STOWAGE_TEST_S3_REGION")),
        ("STOWAGE_SIM_S3_ACCESS_KEY", test_env::var("STOWAGE_TEST_S3_ACCESS_KEY")),
        ("STOWAGE_SIM_S3_SECRET_KEY", test_env::var("STOWAGE_TEST_S3_SECRET_KEY")),
    ];
    let sim = Sim::start_with(&envs, &["--workdir", workdir.path().to_str().expect("utf-8")]);
    let client = sim.client(TOKEN);
    let volumes = vec![
        volume(&format!("{container}@GRA/train/:/workspace/data:ro")),
        volume(&format!("{container}@GRA/out/:/workspace/out:rw")),
    ];
    let job = client.create(Workload::Job, &spec(volumes, "2")).await.expect("create");
    let running = wait_for_state(&client, &job.id, State::Running).await;
    let mounted = workdir.path().join(&job.id).join("workspace");
    assert_eq!(std::fs::read_to_string(mounted.join("data/sub/b.csv")).expect("pulled"), "2,dog");
    let pull = &running.status.data_sync[0].status.progress;
    assert_eq!(pull.iter().map(|p| p.completed).sum::<u64>(), 2, "{pull:?}");

    std::fs::write(mounted.join("out/epoch-1.pt"), b"weights").expect("the job writes a checkpoint");
    wait_for_state(&client, &job.id, State::Done).await;
    let scratch = tempfile::tempdir().expect("tempdir");
    stowage_store::files::get_to_file(&store, &container, "out/epoch-1.pt", &scratch.path().join("x"))
        .await
        .expect("pushed back");
    assert_eq!(std::fs::read(scratch.path().join("x")).expect("read"), b"weights");
    let err = store.head(&container, "train/a.csv").await;
    assert!(err.is_ok(), "the RO volume was never pushed or deleted");
}
