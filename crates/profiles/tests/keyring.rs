//! Against the real Secret Service: scripts/test runs these inside
//! dbus-run-session with an unlocked gnome-keyring-daemon.

use std::process::Command;

use stowage_profiles::{connect, Backend, ConnectError, Keyring, KeyringError, Profile, Secret, SecretKind};

/// A keyring service name of this test run only, so a developer's real
/// Stowage entries are never touched.
fn test_keyring() -> Keyring {
    Keyring::new(format!("stowage-test-{}", std::process::id()))
}

#[test]
#[ignore = "needs a Secret Service: scripts/test runs it inside dbus-run-session with gnome-keyring"]
fn stores_reads_and_deletes_a_secret() {
    let keyring = test_keyring();
    let account = "profile/round-trip/secret-key";
    assert_eq!(keyring.get(account).expect("get before set"), None);

    keyring.set(account, &Secret::new("s3cr3t-value".to_owned())).expect("set");
    assert_eq!(keyring.get(account).expect("get").map(|s| s.expose().clone()).as_deref(), Some("s3cr3t-value"));

    keyring.set(account, &Secret::new("rotated".to_owned())).expect("overwrite");
    assert_eq!(keyring.get(account).expect("get").map(|s| s.expose().clone()).as_deref(), Some("rotated"));

    keyring.delete(account).expect("delete");
    assert_eq!(keyring.get(account).expect("get after delete"), None);
    keyring.delete(account).expect("deleting again succeeds");
}

#[test]
#[ignore = "needs a Secret Service and the S3 server: scripts/test provides both"]
fn an_s3_profile_connects_with_keys_from_the_keyring() {
    let keyring = test_keyring();
    let env =
        |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run through scripts/test"));
    let profile = Profile {
        name: format!("garage-{}", std::process::id()),
        backend: Backend::S3 {
            endpoint: Some(env("STOWAGE_TEST_S3_ENDPOINT")),
            region: env("STOWAGE_TEST_S3_REGION"),
            path_style: true,
        },
    };

    // Without keys in the keyring the message says what to do.
    let err = connect(&profile, &keyring).expect_err("no keys yet");
    assert!(matches!(err, ConnectError::MissingSecret { .. }), "{err}");
    assert!(err.to_string().contains("access key"), "{err}");

    keyring
        .set(&profile.secret_account(SecretKind::AccessKey), &Secret::new(env("STOWAGE_TEST_S3_ACCESS_KEY")))
        .expect("set");
    keyring
        .set(&profile.secret_account(SecretKind::SecretKey), &Secret::new(env("STOWAGE_TEST_S3_SECRET_KEY")))
        .expect("set");
    let store = connect(&profile, &keyring).expect("connect");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let containers = runtime.block_on(store.list_containers()).expect("list containers with keyring credentials");
    assert!(containers.iter().any(|c| c.name == env("STOWAGE_TEST_S3_BUCKET")), "{containers:?}");

    // The store's Debug output never carries the secret.
    assert!(!format!("{store:?}").contains(&env("STOWAGE_TEST_S3_SECRET_KEY")));

    for kind in [SecretKind::AccessKey, SecretKind::SecretKey] {
        keyring.delete(&profile.secret_account(kind)).expect("clean up");
    }
}

/// With no Secret Service reachable the keyring says so; it never falls back
/// to memory or a file. Runs itself in a child process whose session bus
/// address points nowhere.
#[test]
fn a_missing_secret_service_is_a_clear_error() {
    if std::env::var_os("STOWAGE_KEYRING_CHILD").is_some() {
        let err = test_keyring().set("profile/x/secret-key", &Secret::new("value".to_owned())).expect_err("no service");
        assert!(matches!(err, KeyringError::Unavailable(_)), "{err:?}");
        assert!(err.to_string().contains("gnome-keyring"), "{err}");
        assert!(!err.to_string().contains("value"), "the secret is not in the message");
        let err = test_keyring().get("profile/x/secret-key").expect_err("no service");
        assert!(matches!(err, KeyringError::Unavailable(_)), "{err:?}");
        return;
    }
    let output = Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", "a_missing_secret_service_is_a_clear_error", "--nocapture"])
        .env("STOWAGE_KEYRING_CHILD", "1")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/stowage-test-bus")
        .output()
        .expect("run child");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "child failed:\n{text}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(text.contains("1 passed"), "the child ran the check:\n{text}");
}
