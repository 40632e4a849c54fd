//! For tests only (feature `test-support`): the S3 server scripts/test
//! starts, from its STOWAGE_TEST_S3_* environment variables.

use aws_credential_types::Credentials;

use crate::s3::{S3Settings, S3Store};

/// A variable scripts/test sets; a clear panic when the test runs without it.
pub fn var(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set: run this test through scripts/test, which starts Garage"))
}

/// Path-style settings for the test server (it has no wildcard DNS).
pub fn s3_settings() -> S3Settings {
    S3Settings {
        path_style: true,
        ..S3Settings::new(Some(var("STOWAGE_TEST_S3_ENDPOINT")), var("STOWAGE_TEST_S3_REGION"))
    }
}

pub fn credentials() -> Credentials {
    Credentials::new(var("STOWAGE_TEST_S3_ACCESS_KEY"), var("STOWAGE_TEST_S3_SECRET_KEY"), None, None, "test")
}

/// A client of the test server with its main key.
pub fn s3_store() -> S3Store {
    S3Store::new(&s3_settings(), credentials())
}

/// A container name no other test run uses, for tests sharing one server.
pub fn unique_container(base: &str) -> String {
    format!("{base}-{}", &uuid::Uuid::new_v4().simple().to_string()[..12])
}
