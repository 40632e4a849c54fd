//! For tests only (feature `test-support`): a Garage server of the test's
//! own, as scripts/lib/garage.sh starts the shared one, which the test may
//! freeze (SIGSTOP) without stalling every other test. Needs the `garage`
//! binary that `scripts/deps --test` installs.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aws_credential_types::Credentials;

use crate::s3::{S3Settings, S3Store};

pub struct Garage {
    child: Child,
    dir: PathBuf,
    endpoint: String,
    access_key: String,
    secret_key: String,
}

/// The bucket the server starts with.
pub const BUCKET: &str = "frozen";

impl Garage {
    /// Starts a single-node Garage on free ports of 127.0.0.1 and waits
    /// until it answers S3 and its key may create buckets.
    pub fn start() -> Self {
        let dir = std::env::temp_dir().join(format!("stowage-garage-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("garage dir");
        let (s3_port, rpc_port) = (free_port(), free_port());
        let secret: String = uuid::Uuid::new_v4().simple().to_string().repeat(2);
        let config = format!(
            "metadata_dir = \"{meta}\"\ndata_dir = \"{data}\"\ndb_engine = \"sqlite\"\nreplication_factor = 1\n\
             rpc_bind_addr = \"127.0.0.1:{rpc_port}\"\nrpc_public_addr = \"127.0.0.1:{rpc_port}\"\n\
             rpc_secret = \"{secret}\"\n\n[s3_api]\ns3_region = \"gra\"\napi_bind_addr = \"127.0.0.1:{s3_port}\"\n\
             root_domain = \".s3.garage.localhost\"\n",
            meta = dir.join("meta").display(),
            data = dir.join("data").display(),
        );
        let config_file = dir.join("garage.toml");
        std::fs::write(&config_file, config).expect("garage config");
        let access_key = format!("GK{}", &uuid::Uuid::new_v4().simple().to_string()[..24]);
        let secret_key = uuid::Uuid::new_v4().simple().to_string().repeat(2);
        let log = std::fs::File::create(dir.join("garage.log")).expect("garage log");
        let child = Command::new("garage")
            .arg("-c")
            .arg(&config_file)
            .args(["server", "--single-node", "--default-bucket"])
            .env("GARAGE_DEFAULT_ACCESS_KEY", &access_key)
            .env("GARAGE_DEFAULT_SECRET_KEY", &secret_key)
            .env("GARAGE_DEFAULT_BUCKET", BUCKET)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("garage is not installed: scripts/deps --test installs it");
        let garage = Self { child, dir, endpoint: format!("http://127.0.0.1:{s3_port}"), access_key, secret_key };
        garage.wait_ready(s3_port, &config_file);
        garage
    }

    fn wait_ready(&self, s3_port: u16, config_file: &std::path::Path) {
        let started = Instant::now();
        loop {
            let answers = anonymous_status(s3_port).as_deref() == Some("403");
            let bucket = answers
                && Command::new("garage")
                    .arg("-c")
                    .arg(config_file)
                    .args(["bucket", "info", BUCKET])
                    .output()
                    .is_ok_and(|o| o.status.success());
            if bucket {
                let allowed = Command::new("garage")
                    .arg("-c")
                    .arg(config_file)
                    .args(["key", "allow", "--create-bucket", &self.access_key])
                    .output()
                    .expect("garage key allow");
                assert!(allowed.status.success(), "garage key allow: {}", String::from_utf8_lossy(&allowed.stderr));
                return;
            }
            let log = std::fs::read_to_string(self.dir.join("garage.log")).unwrap_or_default();
            assert!(started.elapsed() < Duration::from_secs(60), "Garage did not start within 60 s:\n{log}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn settings(&self) -> S3Settings {
        S3Settings { path_style: true, ..S3Settings::new(Some(self.endpoint.clone()), "gra") }
    }

    pub fn credentials(&self) -> Credentials {
        Credentials::new(&self.access_key, &self.secret_key, None, None, "test")
    }

    /// A bare client (no layers), for setting up and checking.
    pub fn store(&self) -> S3Store {
        S3Store::new(&self.settings(), self.credentials())
    }

    /// Stops the server's process (SIGSTOP): connections are accepted by
    /// the kernel and bytes sit in its buffers, but nothing answers.
    pub fn freeze(&self) {
        self.signal("-STOP");
    }

    pub fn thaw(&self) {
        self.signal("-CONT");
    }

    /// Freezes the server now and thaws it `after` later, from a thread:
    /// join the handle to wait for the thaw.
    pub fn freeze_for(&self, after: Duration) -> std::thread::JoinHandle<()> {
        self.freeze();
        let pid = self.child.id().to_string();
        std::thread::spawn(move || {
            std::thread::sleep(after);
            let _ = Command::new("kill").args(["-CONT", &pid]).status();
        })
    }

    fn signal(&self, signal: &str) {
        let status = Command::new("kill").args([signal, &self.child.id().to_string()]).status().expect("kill");
        assert!(status.success(), "kill {signal} garage");
    }
}

impl Drop for Garage {
    fn drop(&mut self) {
        // A frozen process ignores SIGTERM until it runs again.
        self.thaw();
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// The status code an anonymous request gets, once the server answers.
fn anonymous_status(port: u16) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    stream.write_all(b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut answer = [0u8; 64];
    let n = stream.read(&mut answer).ok()?;
    let text = String::from_utf8_lossy(&answer[..n]);
    text.split_whitespace().nth(1).map(str::to_owned)
}
