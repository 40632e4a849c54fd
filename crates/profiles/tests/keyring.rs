//! Against the real Secret Service: scripts/test runs these inside
//! dbus-run-session with an unlocked gnome-keyring-daemon.

use std::process::Command;

use stowage_profiles::edit::{key_status, remove_profile, save_profile, use_profile, EditError};
use stowage_profiles::{
    connect, AppDirs, Backend, ConnectError, Keyring, KeyringError, Keys, Profile, Provider, S3Backend, Secret,
    SecretKind, Settings,
};

/// A keyring service name of this test only, so a developer's real Stowage
/// entries are never touched.
fn test_keyring(test: &str) -> Keyring {
    Keyring::new(format!("stowage-test-{}-{test}", std::process::id()))
}

fn keys(access: &str, secret: &str) -> Keys {
    Keys { access_key: Some(Secret::new(access.to_owned())), secret_key: Some(Secret::new(secret.to_owned())) }
}

fn stored(keyring: &Keyring, profile: &str, kind: SecretKind) -> Option<String> {
    let account = Profile { name: profile.to_owned(), ..Profile::ovh("x", "gra") }.secret_account(kind);
    keyring.get(&account).expect("keyring read").map(|s| s.expose().clone())
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run through scripts/test"))
}

#[test]
#[ignore = "needs a Secret Service: scripts/test runs it inside dbus-run-session with gnome-keyring"]
fn stores_reads_and_deletes_a_secret() {
    let keyring = test_keyring("round-trip");
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
#[ignore = "needs a Secret Service: scripts/test runs it inside dbus-run-session with gnome-keyring"]
fn rename_moves_keys_and_remove_deletes_them() {
    let keyring = test_keyring("rename");
    let dir = tempfile::tempdir().expect("tempdir");
    let dirs = AppDirs { config: dir.path().join("config"), data: dir.path().join("data") };
    let mut settings = Settings::load(&dirs).expect("load");

    save_profile(&mut settings, &dirs, &keyring, None, Profile::ovh("OVH GRA", "gra"), keys("AK1", "SK1"))
        .expect("add");
    use_profile(&mut settings, &dirs, "OVH GRA").expect("use");
    assert_eq!(stored(&keyring, "OVH GRA", SecretKind::SecretKey).as_deref(), Some("SK1"));

    // Rename without retyping the keys: they move.
    let renamed = Profile::ovh("OVH Gravelines", "gra");
    save_profile(&mut settings, &dirs, &keyring, Some("OVH GRA"), renamed, Keys::default()).expect("rename");
    assert_eq!(stored(&keyring, "OVH Gravelines", SecretKind::AccessKey).as_deref(), Some("AK1"));
    assert_eq!(stored(&keyring, "OVH Gravelines", SecretKind::SecretKey).as_deref(), Some("SK1"));
    assert_eq!(stored(&keyring, "OVH GRA", SecretKind::SecretKey), None, "old entries are gone");
    let reloaded = Settings::load(&dirs).expect("reload");
    assert_eq!(reloaded.current, "OVH Gravelines", "the current profile follows the rename");
    let text = std::fs::read_to_string(dirs.settings_file()).expect("settings file");
    assert!(!text.contains("SK1") && !text.contains("AK1"), "no key in the settings file:\n{text}");

    let status = key_status("OVH Gravelines", &keyring).expect("status");
    assert!(status.access_key && status.secret_key);

    remove_profile(&mut settings, &dirs, &keyring, "OVH Gravelines").expect("remove");
    assert_eq!(stored(&keyring, "OVH Gravelines", SecretKind::AccessKey), None);
    assert_eq!(Settings::load(&dirs).expect("reload").current, "This computer");
    let err = remove_profile(&mut settings, &dirs, &keyring, "This computer").expect_err("last one");
    assert!(matches!(err, EditError::LastProfile(_)), "{err}");
}

#[test]
#[ignore = "needs a Secret Service: scripts/test runs it inside dbus-run-session with gnome-keyring"]
fn an_invalid_profile_changes_nothing() {
    let keyring = test_keyring("invalid");
    let dir = tempfile::tempdir().expect("tempdir");
    let dirs = AppDirs { config: dir.path().join("config"), data: dir.path().join("data") };
    let mut settings = Settings::load(&dirs).expect("load");
    let err = save_profile(&mut settings, &dirs, &keyring, None, Profile::ovh("Bad:Name", "mars"), keys("AK", "SK"))
        .expect_err("invalid");
    let EditError::Invalid(problems) = err else { panic!("invalid") };
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(!dirs.has_settings(), "no settings file was written");
    assert_eq!(stored(&keyring, "Bad:Name", SecretKind::AccessKey), None, "no key was stored");

    let err = save_profile(&mut settings, &dirs, &keyring, None, Profile::ovh("No keys", "gra"), Keys::default())
        .expect_err("keys are required");
    assert!(err.to_string().contains("Enter the access key"), "{err}");
}

#[test]
#[ignore = "needs a Secret Service and the S3 server: scripts/test provides both"]
fn an_s3_profile_connects_with_keys_from_the_keyring() {
    let keyring = test_keyring("connect");
    let backend = S3Backend {
        provider: Provider::Other,
        endpoint: env("STOWAGE_TEST_S3_ENDPOINT"),
        region: env("STOWAGE_TEST_S3_REGION"),
        path_style: true,
        checksum: Default::default(),
    };
    let profile =
        Profile { name: "garage".into(), backend: Backend::S3(backend), datastore_alias: Some("S3LOCAL".into()) };

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
    assert!(!format!("{store:?}").contains(&env("STOWAGE_TEST_S3_SECRET_KEY")), "Debug output hides the secret");

    for kind in SecretKind::ALL {
        keyring.delete(&profile.secret_account(kind)).expect("clean up");
    }
}

/// With no Secret Service reachable the keyring says so; it never falls back
/// to memory or a file. Runs itself in a child process whose session bus
/// address points nowhere.
#[test]
fn a_missing_secret_service_is_a_clear_error() {
    if std::env::var_os("STOWAGE_KEYRING_CHILD").is_some() {
        let keyring = test_keyring("missing");
        let err = keyring.set("profile/x/secret-key", &Secret::new("value".to_owned())).expect_err("no service");
        assert!(matches!(err, KeyringError::Unavailable(_)), "{err:?}");
        assert!(err.to_string().contains("gnome-keyring"), "{err}");
        assert!(!err.to_string().contains("value"), "the secret is not in the message");
        let err = keyring.get("profile/x/secret-key").expect_err("no service");
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
