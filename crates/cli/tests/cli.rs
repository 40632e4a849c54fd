//! The `stowage` binary as a person runs it, on a fresh config and data dir.
//! Keyring tests use the real Secret Service (scripts/test runs them inside
//! dbus-run-session with gnome-keyring) under a keyring service of their own.

use std::io::{BufRead, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};

struct Home {
    dir: tempfile::TempDir,
    keyring_service: String,
}

impl Home {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        // Its own keyring entries per home: the temp folder's name is unique.
        let name = dir.path().file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let keyring_service = format!("stowage-cli-test-{name}");
        Self { dir, keyring_service }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_with_stdin(args, "")
    }

    fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Output {
        self.run_in(args, stdin, &[])
    }

    /// `stowage args` in this home, its streams piped.
    fn command(&self, args: &[&str], extra_env: &[(&str, &str)]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_stowage"));
        command
            .args(args)
            .envs(extra_env.iter().copied())
            .env("STOWAGE_CONFIG_DIR", self.path().join("config"))
            .env("STOWAGE_DATA_DIR", self.path().join("data"))
            .env("STOWAGE_KEYRING_SERVICE", &self.keyring_service)
            .env("STOWAGE_LOG", "trace")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    fn run_in(&self, args: &[&str], stdin: &str, extra_env: &[(&str, &str)]) -> Output {
        let mut child = self.command(args, extra_env).spawn().expect("run stowage");
        child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
        child.wait_with_output().expect("wait")
    }

    /// Every byte Stowage wrote under its config and data dirs.
    fn files_text(&self) -> String {
        let mut text = String::new();
        let mut stack = vec![self.path().to_owned()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    text.push_str(&String::from_utf8_lossy(&std::fs::read(&path).unwrap_or_default()));
                }
            }
        }
        text
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[track_caller]
fn ok(output: Output) -> String {
    assert!(output.status.success(), "failed: {}\n{}", stdout(&output), stderr(&output));
    stdout(&output)
}

#[track_caller]
fn fails(output: Output) -> String {
    assert!(!output.status.success(), "should have failed: {}", stdout(&output));
    stderr(&output)
}

#[test]
fn the_local_store_works_out_of_the_box() {
    let home = Home::new();
    assert!(ok(home.run(&["profile", "list"])).contains("* This computer"));
    ok(home.run(&["mb", "This computer:datasets"]));
    ok(home.run(&["mb", "checkpoints"]));
    let containers = ok(home.run(&["containers"]));
    assert_eq!(containers.lines().collect::<Vec<_>>(), ["checkpoints", "datasets"]);
    assert_eq!(ok(home.run(&["ls", "This computer:datasets/train/"])), "");
}

#[test]
fn bad_input_gets_a_clear_error_and_changes_nothing() {
    let home = Home::new();
    let err = fails(home.run(&["mb", "Bad_Name"]));
    assert!(err.contains("lowercase"), "{err}");
    let err = fails(home.run(&["ls", ":datasets"]));
    assert!(err.contains("PROFILE:CONTAINER"), "{err}");
    let err = fails(home.run(&["ls", "nobody:datasets"]));
    assert!(err.contains("no profile named \"nobody\""), "{err}");
    let err = fails(home.run(&["profile", "add", "remote", "--provider", "s3", "--region", "gra"]));
    assert!(err.contains("--endpoint"), "{err}");
    let err = fails(home.run(&["profile", "add", "here", "--provider", "local", "--root", "relative/path"]));
    assert!(err.contains("full folder path"), "{err}");
    let err = fails(home.run(&["profile", "add", "a:b", "--provider", "local", "--root", "/tmp/x"]));
    assert!(err.contains("cannot contain ':'"), "{err}");
    assert!(!home.path().join("config/settings.toml").exists(), "nothing was saved");
}

#[test]
fn without_a_keyring_adding_a_profile_says_so_and_writes_no_secret() {
    let home = Home::new();
    let canary = "CANARY-no-keyring-0b1e2c";
    let args =
        ["profile", "add", "ovh", "--provider", "ovh", "--region", "gra", "--access-key", "AK", "--secret-stdin"];
    let no_bus = [("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/stowage-test-bus")];
    let output = home.run_in(&args, &format!("{canary}\n"), &no_bus);
    let err = fails(output);
    assert!(err.contains("keyring is not available") && err.contains("gnome-keyring"), "{err}");
    assert!(!err.contains(canary));
    assert!(!home.path().join("config/settings.toml").exists(), "the profile was not saved");
    assert!(!home.files_text().contains(canary), "the secret was written nowhere");
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run through scripts/test"))
}

#[test]
#[ignore = "needs a Secret Service and the S3 server: scripts/test provides both"]
fn an_ovh_profile_from_add_to_browse_without_leaking_its_secret() {
    let home = Home::new();
    let endpoint = env("STOWAGE_TEST_S3_ENDPOINT");
    let secret = env("STOWAGE_TEST_S3_SECRET_KEY");
    let canary = "CANARY-d41d8cd98f00b204e9800998ecf8427e";

    // OVHcloud provider, region gra, endpoint pointed at the test server.
    let add = ["profile", "add", "ovh", "--provider", "ovh", "--region", "gra", "--endpoint", &endpoint];
    let mut args = add.to_vec();
    let access = env("STOWAGE_TEST_S3_ACCESS_KEY");
    args.extend(["--access-key", &access, "--secret-stdin", "--path-style", "--alias", "S3GRA"]);
    ok(home.run_with_stdin(&args, &format!("{secret}\n")));
    let said = ok(home.run(&["profile", "test", "ovh"]));
    assert!(said.contains("works"), "{said}");
    ok(home.run(&["profile", "use", "ovh"]));
    let bucket = env("STOWAGE_TEST_S3_BUCKET");
    assert!(ok(home.run(&["containers"])).lines().any(|l| l == bucket));
    ok(home.run(&["mb", "ovh:cli-made"]));
    ok(home.run(&["ls", &format!("ovh:{bucket}/")]));

    // A profile with a wrong secret (the canary) fails its test with the field to fix.
    let mut args = vec!["profile", "add", "wrong", "--provider", "s3", "--region", "gra", "--endpoint", &endpoint];
    args.extend(["--access-key", &access, "--secret-stdin"]);
    ok(home.run_with_stdin(&args, &format!("{canary}\n")));
    let err = fails(home.run(&["profile", "test", "wrong"]));
    assert!(err.contains("Secret key field"), "{err}");

    let mut printed = String::new();
    for args in [
        vec!["profile", "list"],
        vec!["profile", "show", "wrong"],
        vec!["profile", "show", "ovh"],
        vec!["containers", "wrong"],
        vec!["ls", "wrong:whatever"],
        vec!["mb", "wrong:another"],
    ] {
        let output = home.run(&args);
        printed.push_str(&stdout(&output));
        printed.push_str(&stderr(&output));
    }
    assert!(printed.contains("stored in the keyring"), "{printed}");
    let files = home.files_text();
    assert!(files.contains("TRACE") || files.contains("DEBUG"), "logging ran at trace level");
    for (what, text) in [("output", &printed), ("config and log files", &files)] {
        assert!(!text.contains(canary), "the canary secret leaked into the {what}");
        assert!(!text.contains(&secret), "the secret key leaked into the {what}");
    }

    ok(home.run(&["profile", "remove", "wrong"]));
    let err = fails(home.run(&["profile", "show", "wrong"]));
    assert!(err.contains("no profile named"), "{err}");
}

#[test]
#[ignore = "needs a Secret Service: scripts/test runs it inside dbus-run-session with gnome-keyring"]
fn import_from_rclone_leaves_the_source_alone() {
    let home = Home::new();
    let conf = home.path().join("rclone.conf");
    let text = "[ovh-gra]\ntype = s3\nprovider = Other\naccess_key_id = AKIMPORT\nsecret_access_key = SKIMPORT\nendpoint = https://s3.gra.io.cloud.ovh.net\nregion = gra\n";
    std::fs::write(&conf, text).expect("write");
    let said = ok(home.run(&["profile", "import", "rclone", "--path", conf.to_str().expect("utf-8")]));
    assert!(said.contains("Imported \"rclone-ovh-gra\""), "{said}");
    assert_eq!(std::fs::read_to_string(&conf).expect("read"), text, "the rclone config is unchanged");
    let shown = ok(home.run(&["profile", "show", "rclone-ovh-gra"]));
    assert!(shown.contains("OVHcloud") && shown.contains("stored in the keyring"), "{shown}");
    assert!(!home.files_text().replace(text, "").contains("SKIMPORT"), "the secret is only in the keyring");
    ok(home.run(&["profile", "remove", "rclone-ovh-gra"]));
}

#[test]
fn volume_parse_format_and_check() {
    let home = Home::new();
    let json = ok(home.run(&[
        "volume",
        "parse",
        "dataset@GRA/train/:/workspace/data:ro:cache",
        "https://github.com/ovh/ai-training-examples.git:/workspace/code:rw",
    ]));
    assert!(json.contains("\"dataStore\"") && json.contains("\"publicGit\"") && json.contains("\"RO\""), "{json}");
    let file = home.path().join("volumes.json");
    std::fs::write(&file, &json).expect("write");
    let strings = ok(home.run(&["volume", "format", file.to_str().expect("utf-8")]));
    assert_eq!(
        strings.lines().collect::<Vec<_>>(),
        [
            "dataset@GRA/train/:/workspace/data:ro:cache",
            "https://github.com/ovh/ai-training-examples.git:/workspace/code:rw"
        ]
    );

    let err = fails(home.run(&["volume", "parse", "dataset:/workspace/data"]));
    assert!(err.contains("needs a datastore alias"), "{err}");

    let valid = home.run(&["volume", "check", "dataset@GRA:/workspace/data:ro", "out@GRA:/workspace/output:rw"]);
    assert_eq!(valid.status.code(), Some(0), "{}", stdout(&valid));
    assert!(stdout(&valid).contains("The volumes are valid."));
    let invalid = home.run(&["volume", "check", "a12@GRA:/workspace/data:ro", "b12@GRA:/workspace/data/sub:rw"]);
    assert_eq!(invalid.status.code(), Some(2), "{}", stdout(&invalid));
    assert!(stdout(&invalid).contains("nested"), "{}", stdout(&invalid));
    let unreadable = home.run(&["volume", "check", "nope"]);
    assert_eq!(unreadable.status.code(), Some(2));
}

/// Storage checks on the local store: existing, missing and empty prefixes.
#[test]
fn volume_check_estimates_what_each_job_downloads() {
    let home = Home::new();
    ok(home.run(&["mb", "datasets"]));
    // Plain files in the local store's folders are its objects.
    let train = home.path().join("data/local-store/datasets/train");
    std::fs::create_dir_all(&train).expect("mkdir");
    std::fs::write(train.join("a.jpg"), vec![0u8; 2048]).expect("write");
    std::fs::write(train.join("b.jpg"), vec![0u8; 1024]).expect("write");
    let output = home.run(&[
        "volume",
        "check",
        "--profile",
        "This computer",
        "datasets@HERE/train/:/workspace/data:ro",
        "datasets@HERE/test/:/workspace/test:ro",
        "nosuchcontainer@HERE:/workspace/more:ro",
    ]);
    let said = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "warnings are not errors:\n{said}");
    assert!(said.contains("2 objects, 3.0 KB (profile"), "{said}");
    assert!(said.contains("nothing is stored under \"datasets/test/\""), "{said}");
    assert!(said.contains("\"nosuchcontainer\" does not exist"), "{said}");
    assert!(said.contains("Each job start downloads about 2 objects"), "{said}");
}

#[test]
#[ignore = "needs a Secret Service and the S3 server: scripts/test provides both"]
fn volume_check_against_the_s3_server() {
    let home = Home::new();
    let endpoint = env("STOWAGE_TEST_S3_ENDPOINT");
    let access = env("STOWAGE_TEST_S3_ACCESS_KEY");
    let mut args = vec!["profile", "add", "garage", "--provider", "ovh", "--region", "gra", "--endpoint", &endpoint];
    args.extend(["--access-key", &access, "--secret-stdin", "--path-style", "--alias", "S3GRA"]);
    ok(home.run_with_stdin(&args, &format!("{}\n", env("STOWAGE_TEST_S3_SECRET_KEY"))));
    ok(home.run(&["mb", "garage:volume-check"]));
    let store = stowage_store::test_env::s3_store();
    let file = home.path().join("blob");
    std::fs::write(&file, vec![7u8; 4096]).expect("write");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let options = stowage_store::PutOptions::default();
    for key in ["train/1.bin", "train/2.bin", "train/3.bin"] {
        runtime.block_on(stowage_store::files::put_file(&store, "volume-check", key, &file, &options)).expect("put");
    }
    let output = home.run(&[
        "volume",
        "check",
        "--region",
        "gra",
        "volume-check@S3GRA/train/:/workspace/data:ro",
        "volume-check@S3GRA/empty/:/workspace/empty:ro",
        "not-there-yet@S3GRA:/workspace/output:rw",
    ]);
    let said = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{said}");
    assert!(said.contains("3 objects, 12.0 KB (profile"), "{said}");
    assert!(said.contains("nothing is stored under \"volume-check/empty/\""), "{said}");
    assert!(said.contains("does not exist yet; the job's first sync creates it"), "{said}");
}

#[test]
fn upload_keeps_the_folder_structure_and_skips_what_is_there() {
    let home = Home::new();
    ok(home.run(&["mb", "datasets"]));
    let tree = home.path().join("imagenet");
    std::fs::create_dir_all(tree.join("train/cats")).expect("mkdir");
    std::fs::write(tree.join("train/cats/1.jpg"), vec![1u8; 3000]).expect("write");
    std::fs::write(tree.join("labels.csv"), b"a,b\n").expect("write");
    let said = ok(home.run(&["upload", tree.to_str().expect("utf-8"), "This computer:datasets/v1"]));
    assert!(said.contains("2 uploaded"), "{said}");
    let listed = ok(home.run(&["ls", "datasets/v1/imagenet/train/cats/"]));
    assert!(listed.contains("3000  v1/imagenet/train/cats/1.jpg"), "{listed}");
    let again = ok(home.run(&["upload", tree.to_str().expect("utf-8"), "datasets/v1"]));
    assert!(again.contains("0 uploaded") && again.contains("2 already there"), "{again}");
    let err = fails(home.run(&["upload", "/nonexistent/stowage-source", "datasets"]));
    assert!(err.contains("failed /nonexistent/stowage-source: This path does not exist."), "{err}");
}

#[test]
fn rm_deletes_a_key_or_a_whole_prefix_and_asks_for_recursive() {
    let home = Home::new();
    ok(home.run(&["mb", "runs"]));
    let tree = home.path().join("r42");
    for i in 0..30 {
        let dir = tree.join(format!("epoch-{}", i % 3));
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(dir.join(format!("{i}.pt")), vec![2u8; 100]).expect("write");
    }
    std::fs::write(tree.join("keep.txt"), b"keep").expect("write");
    ok(home.run(&["upload", tree.to_str().expect("utf-8"), "runs"]));
    let count = |prefix: &str| ok(home.run(&["ls", prefix])).lines().filter(|l| l.contains(".pt")).count();

    let err = fails(home.run(&["rm", "runs/r42/epoch-0/"]));
    assert!(err.contains("add --recursive"), "{err}");
    let dry = ok(home.run(&["rm", "-r", "--dry-run", "runs/r42/epoch-0"]));
    assert!(dry.contains("Would delete 10 objects (1000 bytes)"), "{dry}");
    assert_eq!(count("runs/r42/epoch-0/"), 10, "a dry run deletes nothing");
    let said = ok(home.run(&["rm", "-r", "runs/r42/epoch-0"]));
    assert!(said.contains("Deleted 10 objects."), "{said}");
    assert_eq!(count("runs/r42/epoch-0/"), 0);
    assert_eq!(count("runs/r42/epoch-1/"), 10, "only that prefix went");
    let said = ok(home.run(&["rm", "--one-by-one", "-r", "runs/r42/epoch-1/"]));
    assert!(said.contains("Deleted 10 objects."), "{said}");
    ok(home.run(&["rm", "runs/r42/keep.txt"]));
    let left = ok(home.run(&["ls", "runs/r42/"]));
    assert!(!left.contains("keep.txt") && left.contains("epoch-2/"), "{left}");
}

/// SIGKILL in the middle of a multipart upload, then the same command again:
/// the upload continues from the journal, the object is byte-identical, and
/// no multipart upload is left in the store.
#[test]
fn a_killed_upload_continues_where_it_stopped() {
    let home = Home::new();
    ok(home.run(&["mb", "checkpoints"]));
    let file = home.path().join("model.pt");
    let body: Vec<u8> = (0..96 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&file, &body).expect("write");
    let uploads = home.path().join("data/local-store/checkpoints/.stowage/uploads");
    let parts_written = || -> usize {
        std::fs::read_dir(&uploads)
            .into_iter()
            .flatten()
            .flatten()
            .map(|d| {
                std::fs::read_dir(d.path())
                    .into_iter()
                    .flatten()
                    .flatten()
                    .filter(|f| f.file_name().to_string_lossy().ends_with(".json") && f.file_name() != "upload.json")
                    .count()
            })
            .sum()
    };

    let mut child = Command::new(env!("CARGO_BIN_EXE_stowage"))
        .args(["upload", file.to_str().expect("utf-8"), "checkpoints/run-1", "--concurrency", "1"])
        .env("STOWAGE_CONFIG_DIR", home.path().join("config"))
        .env("STOWAGE_DATA_DIR", home.path().join("data"))
        .env("STOWAGE_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the upload");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while parts_written() < 3 {
        assert!(std::time::Instant::now() < deadline, "no parts were written");
        assert!(child.try_wait().expect("poll").is_none(), "the upload ended before it could be killed");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
    let before = parts_written();
    assert!((3..12).contains(&before), "killed mid-way, with {before} of 12 parts written");
    let listing = ok(home.run(&["ls", "checkpoints/run-1/"]));
    assert!(!listing.contains("model.pt"), "no partial object appears: {listing}");

    let said = ok(home.run(&["upload", file.to_str().expect("utf-8"), "checkpoints/run-1"]));
    assert!(said.contains("1 uploaded"), "{said}");
    let logs = home.files_text();
    assert!(logs.contains("continuing an interrupted upload"), "the second run used the journal");
    let dest = home.path().join("data/local-store/checkpoints/run-1/model.pt");
    assert!(std::fs::read(dest).expect("uploaded") == body, "byte-identical");
    assert_eq!(std::fs::read_dir(&uploads).map(|d| d.count()).unwrap_or(0), 0, "no multipart upload is left behind");
}

#[test]
fn sync_prints_its_plan_applies_it_and_refuses_mass_deletion() {
    let home = Home::new();
    ok(home.run(&["mb", "runs"]));
    let folder = home.path().join("run-42");
    std::fs::create_dir_all(folder.join("checkpoints")).expect("mkdir");
    std::fs::write(folder.join("checkpoints/epoch-1.pt"), vec![3u8; 5000]).expect("write");
    std::fs::write(folder.join("config.yaml"), b"lr: 0.1").expect("write");
    std::fs::write(folder.join("scratch.tmp"), b"ignored").expect("write");
    let src = folder.to_str().expect("utf-8");
    let dst = "This computer:runs/run-42";

    // A dry run prints the plan and changes nothing.
    let plan = ok(home.run(&["sync", "--dry-run", src, dst]));
    assert!(plan.contains("upload: 2 files, 5007 bytes"), "{plan}");
    assert!(plan.contains("upload         checkpoints/epoch-1.pt  (new)"), "{plan}");
    assert_eq!(ok(home.run(&["ls", "runs/run-42/"])), "");
    let json: serde_json::Value =
        serde_json::from_str(&ok(home.run(&["sync", "--dry-run", "--json", src, dst]))).expect("the plan is JSON");
    assert_eq!(json["mode"], "push");
    assert_eq!(json["ops"].as_array().map(Vec::len), Some(2));
    assert_eq!(json["ops"][0]["kind"], "upload");

    let done = ok(home.run(&["sync", src, dst]));
    assert!(done.contains("2 uploaded, 0 downloaded, 0 deleted, 0 failed"), "{done}");
    assert!(ok(home.run(&["sync", "--dry-run", src, dst])).contains("Nothing to do: 2 files are the same"));

    // Pull into a new folder, then a push from an emptied folder is refused.
    let copy = home.path().join("copy");
    ok(home.run(&["sync", dst, copy.to_str().expect("utf-8")]));
    assert_eq!(std::fs::read(copy.join("config.yaml")).expect("pulled"), b"lr: 0.1");
    std::fs::remove_file(folder.join("config.yaml")).expect("remove");
    std::fs::remove_file(folder.join("checkpoints/epoch-1.pt")).expect("remove");
    let refused = home.run(&["sync", src, dst]);
    assert_eq!(refused.status.code(), Some(3), "{}", stdout(&refused));
    assert!(stderr(&refused).contains("would delete 2 of the 2 files"), "{}", stderr(&refused));
    assert!(ok(home.run(&["ls", "runs/run-42/"])).contains("config.yaml"), "nothing was deleted");

    let err = fails(home.run(&["sync", "--mode", "pull", src, dst]));
    assert!(err.contains("--mode pull brings object storage"), "{err}");
    let err = fails(home.run(&["sync", src, "/tmp/other"]));
    assert!(err.contains("one local folder and one remote location"), "{err}");
}

/// The AI Training simulator (crates/training-sim), built beside this binary.
struct TrainingSim {
    child: std::process::Child,
    url: String,
}

impl TrainingSim {
    fn start(token: &str) -> Self {
        let exe = Path::new(env!("CARGO_BIN_EXE_stowage")).with_file_name("stowage-training-sim");
        assert!(exe.exists(), "build the simulator first: cargo build -p stowage-training-sim");
        let mut child = Command::new(exe)
            .args(["--token", token, "--phase-ms", "150", "--run-seconds", "30"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the simulator");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("read");
        Self { child, url: line.trim().trim_start_matches("listening on ").to_owned() }
    }
}

impl Drop for TrainingSim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
#[ignore = "needs a Secret Service: scripts/test runs it inside dbus-run-session with gnome-keyring"]
fn jobs_from_the_terminal_against_the_api_simulator() {
    let token = "CANARY-job-token-81b7e4";
    let sim = TrainingSim::start(token);
    let home = Home::new();

    let err = fails(home.run(&["job", "list"]));
    assert!(err.contains("No AI Training app token is saved"), "{err}");
    ok(home.run_with_stdin(&["job", "login", "--api", &sim.url, "--token-stdin"], &format!("{token}\n")));

    let dry = ok(home.run(&[
        "job",
        "run",
        "--image",
        "pytorch/pytorch",
        "--flavor",
        "l40s-1-gpu",
        "--gpu",
        "2",
        "-v",
        "data@GRA/train:/workspace/data:ro",
        "-v",
        "out@GRA:/workspace/out:rw",
        "--env",
        "EPOCHS=3",
        "--dry-run",
        "--",
        "python",
        "train.py",
        "--note",
        "two words",
    ]));
    let spec: serde_json::Value = serde_json::from_str(&dry).expect("the spec is JSON");
    assert_eq!(spec["volumes"][0]["dataStore"]["prefix"], "train");
    assert_eq!(spec["volumes"][1]["permission"], "RW");
    assert_eq!(spec["resources"], serde_json::json!({"flavor": "l40s-1-gpu", "gpu": 2}), "only what was given");
    assert_eq!(spec["command"], serde_json::json!(["python", "train.py", "--note", "two words"]));
    assert_eq!(ok(home.run(&["job", "list"])).trim(), "No jobs yet.", "a dry run launches nothing");
    let notebook =
        ok(home.run(&["job", "run", "--notebook", "--framework", "pytorch", "--editor", "jupyterlab", "--dry-run"]));
    let notebook: serde_json::Value = serde_json::from_str(&notebook).expect("JSON");
    assert_eq!(notebook["env"]["editorId"], "jupyterlab");
    assert!(notebook.get("image").is_none(), "{notebook}");

    let flavors = ok(home.run(&["job", "flavors"]));
    assert!(flavors.lines().any(|l| l.starts_with("l40s-1-gpu") && l.contains("L40S")), "{flavors}");

    let launched = ok(home.run(&[
        "job",
        "run",
        "--image",
        "pytorch/pytorch",
        "-v",
        "out@GRA:/workspace/out:rw",
        "--",
        "sleep",
        "30",
    ]));
    let id = launched.split_whitespace().next().expect("an id").to_owned();
    assert!(ok(home.run(&["job", "list"])).contains(&id));
    let err = fails(home.run(&["job", "sync", &id]));
    assert!(err.contains("in its current state"), "{err}");

    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !ok(home.run(&["job", "get", &id])).lines().next().is_some_and(|l| l.contains("RUNNING")) {
        assert!(std::time::Instant::now() < deadline, "the job never ran");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(ok(home.run(&["job", "sync", &id, "--direction", "push"])).contains("Data sync"));
    let shown = ok(home.run(&["job", "get", &id]));
    assert!(shown.contains(&format!("volume {id}-vol-0 /workspace/out RW out@GRA/")), "{shown}");
    assert!(shown.contains("data sync push (requested)"), "{shown}");
    assert!(shown.contains("flavor ai1-1-gpu: 1 GPU Tesla V100S"), "{shown}");
    let logs = ok(home.run(&["job", "logs", &id, "--tail", "50"]));
    assert!(logs.contains("Running: sleep 30"), "{logs}");
    ok(home.run(&["job", "stop", &id]));
    let followed = ok(home.run(&["job", "logs", &id, "--follow"]));
    assert!(followed.trim_end().ends_with("Job INTERRUPTED"), "followed to the end: {followed}");
    let err = fails(home.run(&["job", "get", "no-such-job"]));
    assert!(err.contains("does not know it (404)"), "{err}");

    // ovhai's habits: machine-readable lists, labels, filters, restart, delete, quota.
    let listed: serde_json::Value = serde_json::from_str(&ok(home.run(&["job", "list", "-o", "json"]))).expect("JSON");
    assert_eq!(listed[0]["id"], id.as_str());
    assert!(ok(home.run(&["job", "get", &id, "-o", "yaml"])).contains(&format!("id: {id}")));
    assert!(ok(home.run(&["job", "label", &id, "team=ml", "stage=tune"])).contains("stage=tune team=ml"));
    assert!(ok(home.run(&["job", "list", "-l", "team=ml"])).contains(&id));
    assert_eq!(ok(home.run(&["job", "list", "--label", "team=nlp"])).trim(), "No jobs match.");
    assert!(ok(home.run(&["job", "label", &id, "--remove", "stage"])).ends_with("team=ml\n"));
    assert!(ok(home.run(&["job", "list", "--status", "INTERRUPTED"])).contains(&id));
    // --watch lists again and again until stopped.
    let mut watching = home.command(&["job", "list", "--watch"], &[]).spawn().expect("watch");
    let lines = std::io::BufReader::new(watching.stdout.take().expect("stdout")).lines();
    let listed = lines.map_while(Result::ok).filter(|l| l.contains(&id)).take(2).count();
    let _ = watching.kill();
    let _ = watching.wait();
    assert_eq!(listed, 2, "two listings");
    ok(home.run(&["job", "restart", &id]));
    assert!(
        !ok(home.run(&["job", "get", &id])).lines().next().is_some_and(|l| l.contains("INTERRUPTED")),
        "it runs again"
    );
    let err = fails(home.run(&["job", "delete", &id]));
    assert!(err.contains("--yes") && err.contains("containers keep what it pushed (out@GRA)"), "{err}");
    assert!(ok(home.run(&["job", "list"])).contains(&id), "nothing deleted without --yes");
    assert!(ok(home.run(&["job", "delete", &id, "--yes", "--force"])).starts_with(&format!("Deleted {id}.")));
    assert_eq!(ok(home.run(&["job", "list"])).trim(), "No jobs yet.");
    assert!(ok(home.run(&["job", "quota"])).lines().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["GPU", "4"]));
    let warned =
        home.run(&["job", "run", "--image", "busybox", "--gpu", "5", "-l", "a=b", "-s", "K", "--timeout", "1h"]);
    assert!(String::from_utf8_lossy(&warned.stderr).contains("the project's quota is 4 GPU"), "{warned:?}");

    assert!(!home.files_text().contains(token), "the token was written to a file or log");
}

#[test]
fn watch_add_list_pause_and_run_headless() {
    let home = Home::new();
    ok(home.run(&["mb", "runs"]));
    let folder = home.path().join("run-7");
    std::fs::create_dir(&folder).expect("mkdir");
    let path = folder.to_str().expect("utf-8");
    let err = fails(home.run(&["watch", "run"]));
    assert!(err.contains("No unpaused watched folders"), "{err}");
    ok(home.run(&["watch", "add", path, "runs/checkpoints", "--delete", "propagate"]));
    let err = fails(home.run(&["watch", "add", path, "runs/other"]));
    assert!(err.contains("already watched"), "{err}");
    let err = fails(home.run(&["watch", "add", path, "runs/x", "--delete", "backup"]));
    assert!(err.contains("already watched") || err.contains("backup prefix"), "{err}");
    ok(home.run(&["watch", "pause", path]));
    assert!(
        ok(home.run(&["watch", "list"])).contains("-> This computer:runs/checkpoints  [propagate deletions]  (paused)")
    );
    ok(home.run(&["watch", "resume", path]));

    std::fs::write(folder.join("epoch-1.pt"), b"weights").expect("write");
    let mut watcher = Command::new(env!("CARGO_BIN_EXE_stowage"))
        .args(["watch", "run"])
        .env("STOWAGE_CONFIG_DIR", home.path().join("config"))
        .env("STOWAGE_DATA_DIR", home.path().join("data"))
        .env("STOWAGE_KEYRING_SERVICE", &home.keyring_service)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("watch run");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let listed = |home: &Home| ok(home.run(&["ls", "runs/checkpoints/"]));
    while !listed(&home).contains("epoch-1.pt") {
        assert!(std::time::Instant::now() < deadline, "the existing file was not synced");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // A file written while it runs arrives too.
    std::fs::write(folder.join("epoch-2.pt"), b"more weights").expect("write");
    while !listed(&home).contains("epoch-2.pt") {
        assert!(std::time::Instant::now() < deadline, "the new file was not synced");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // Ctrl-C stops it cleanly.
    let _ = Command::new("kill").args(["-INT", &watcher.id().to_string()]).status();
    let status = watcher.wait().expect("wait");
    assert!(status.success(), "{status:?}");
    ok(home.run(&["watch", "remove", path]));
    assert_eq!(ok(home.run(&["watch", "list"])).trim(), "No watched folders.");
}

/// Adds a profile for the S3 server whose variables start with `prefix`.
fn add_server(home: &Home, name: &str, prefix: &str) {
    let (endpoint, region) = (env(&format!("{prefix}_ENDPOINT")), env(&format!("{prefix}_REGION")));
    let (access, secret) = (env(&format!("{prefix}_ACCESS_KEY")), env(&format!("{prefix}_SECRET_KEY")));
    let args = ["profile", "add", name, "--provider", "s3", "--region", &region, "--endpoint", &endpoint];
    let mut args = args.to_vec();
    args.extend(["--access-key", &access, "--secret-stdin", "--path-style"]);
    ok(home.run_with_stdin(&args, &format!("{secret}\n")));
}

#[test]
#[ignore = "needs a Secret Service, moto and Garage: scripts/test provides them"]
fn versions_share_links_and_storage_classes_from_the_terminal() {
    let home = Home::new();
    add_server(&home, "moto", "STOWAGE_TEST_MOTO_S3");
    add_server(&home, "garage", "STOWAGE_TEST_S3");
    let container =
        format!("vers-{}", home.path().file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default())
            .replace(['.', '_'], "-");
    let at = |key: &str| format!("moto:{container}/{key}");

    // A bad class is refused before anything is made, naming the classes on offer.
    let err = fails(home.run(&["mb", "--storage-class", "COLDEST", &format!("moto:{container}")]));
    assert!(err.contains("STANDARD_IA"), "{err}");
    ok(home.run(&["mb", "--versioning", "--storage-class", "standard_ia", &format!("moto:{container}")]));
    assert_eq!(ok(home.run(&["versions", "versioning", &format!("moto:{container}")])).trim(), "on");
    assert_eq!(ok(home.run(&["class", &format!("moto:{container}")])).trim(), "STANDARD_IA");

    let file = home.path().join("model.pt");
    std::fs::write(&file, b"epoch 1").expect("write");
    let folder = format!("moto:{container}/ckpt");
    let upload = |extra: &[&str]| {
        let mut args = vec!["upload", file.to_str().expect("utf-8"), &folder];
        args.extend_from_slice(extra);
        home.run(&args)
    };
    ok(upload(&[]));
    let listed = ok(home.run(&["ls", &format!("moto:{container}/ckpt/")]));
    assert!(listed.contains("ckpt/model.pt  STANDARD_IA"), "uploads take the container's class: {listed}");
    std::fs::write(&file, b"epoch 2, overwritten by mistake").expect("write");
    let err = fails(upload(&["--bwlimit", "fast"]));
    assert!(err.contains("--bwlimit") && err.contains("10M"), "{err}");
    ok(upload(&["--bwlimit", "10M", "--storage-class", "STANDARD"]));
    ok(home.run(&["rm", &at("ckpt/model.pt")]));

    let deleted = ok(home.run(&["versions", "deleted", &format!("moto:{container}/ckpt/")]));
    assert!(deleted.contains("ckpt/model.pt"), "{deleted}");
    let listed = ok(home.run(&["versions", "list", &at("ckpt/model.pt")]));
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 3, "{listed}");
    assert!(lines[0].contains("delete marker") && lines[0].contains("latest"), "{listed}");
    assert!(lines[1].contains("31 bytes") && lines[2].contains("7 bytes"), "{listed}");
    let first = lines[2].split_whitespace().next().expect("an id");

    let back = home.path().join("back");
    std::fs::create_dir_all(&back).expect("mkdir");
    let got = ok(home.run(&["versions", "get", &at("ckpt/model.pt"), first, back.to_str().expect("utf-8")]));
    assert_eq!(std::fs::read(got.trim()).expect("read"), b"epoch 1");
    ok(home.run(&["versions", "restore", &at("ckpt/model.pt"), first]));
    let listed = ok(home.run(&["ls", &format!("moto:{container}/ckpt/")]));
    assert!(listed.contains("7  ckpt/model.pt"), "the deleted object is back as its first version: {listed}");

    // A share link opens with a plain HTTP client and no credentials.
    let share = home.run(&["share", &at("ckpt/model.pt"), "--expires", "1h"]);
    let url = ok(share).trim().to_owned();
    let body = reqwest::blocking::get(&url).and_then(|r| r.error_for_status()).and_then(|r| r.bytes()).expect("fetch");
    assert_eq!(body.as_ref(), b"epoch 1");
    let err = fails(home.run(&["share", &at("ckpt/model.pt"), "--expires", "8d"]));
    assert!(err.contains("7 days"), "{err}");

    // Garage has no versioning: asking for it says so and leaves no container behind.
    let err = fails(home.run(&["mb", "--versioning", &format!("garage:{container}")]));
    assert!(err.contains("does not offer"), "{err}");
    assert!(!ok(home.run(&["containers", "garage"])).lines().any(|l| l == container), "nothing was created");
}
