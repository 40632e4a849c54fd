//! For tests only (feature `test-support`): the S3 servers scripts/test
//! starts, from their environment variables: Garage (`STOWAGE_TEST_S3_*`,
//! the one most tests use), OpenStack Swift's s3api
//! (`STOWAGE_TEST_SWIFT_S3_*`) and moto (`STOWAGE_TEST_MOTO_S3_*`).

use aws_credential_types::Credentials;

use crate::s3::{S3Settings, S3Store};

/// A variable scripts/test sets; a clear panic when the test runs without it.
pub fn var(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set: run this test through scripts/test, which starts Garage"))
}

/// Path-style settings for the test server (it has no wildcard DNS).
pub fn s3_settings() -> S3Settings {
    settings_of("STOWAGE_TEST_S3")
}

pub fn credentials() -> Credentials {
    credentials_of("STOWAGE_TEST_S3")
}

/// The settings of the server whose variables start with `prefix`
/// (`STOWAGE_TEST_SWIFT_S3` for `..._ENDPOINT`, `..._REGION`).
pub fn settings_of(prefix: &str) -> S3Settings {
    S3Settings {
        path_style: true,
        ..S3Settings::new(Some(var(&format!("{prefix}_ENDPOINT"))), var(&format!("{prefix}_REGION")))
    }
}

pub fn credentials_of(prefix: &str) -> Credentials {
    Credentials::new(var(&format!("{prefix}_ACCESS_KEY")), var(&format!("{prefix}_SECRET_KEY")), None, None, "test")
}

/// A client of the test server with its main key.
pub fn s3_store() -> S3Store {
    S3Store::new(&s3_settings(), credentials())
}

/// A container name no other test run uses, for tests sharing one server.
pub fn unique_container(base: &str) -> String {
    format!("{base}-{}", &uuid::Uuid::new_v4().simple().to_string()[..12])
}
