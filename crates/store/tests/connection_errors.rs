//! Each way a connection can fail, produced for real, with the message a
//! person sees. Servers here are real sockets on 127.0.0.1: one that refuses,
//! one that never answers, one that speaks HTTP but not S3; the credential
//! cases run against Garage (started by scripts/test).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use aws_credential_types::Credentials;
use std::sync::Arc;

use stowage_store::layers::Timeout;
use stowage_store::s3::{S3Settings, S3Store};
use stowage_store::{probe, ErrorKind, StoreError};

fn store(endpoint: &str, region: &str, access: &str, secret: &str) -> S3Store {
    let settings = S3Settings {
        path_style: true,
        connect_timeout: Duration::from_secs(2),
        ..S3Settings::new(Some(endpoint.to_owned()), region)
    };
    S3Store::new(&settings, Credentials::new(access, secret, None, None, "test"))
}

/// The probe as the profile form runs it: every call timed, here after 2 s.
async fn failure(store: S3Store) -> StoreError {
    let timed = Timeout::wrap(Arc::new(store), Duration::from_secs(2));
    probe(&timed).await.expect_err("the connection test must fail")
}

fn assert_says(err: &StoreError, kind: ErrorKind, fragments: &[&str]) {
    assert_eq!(err.kind(), kind, "{err}");
    for fragment in fragments {
        assert!(err.message().contains(fragment), "expected {fragment:?} in: {err}");
    }
}

/// A server on 127.0.0.1 that answers every request with `response`.
fn http_server(response: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        for stream in listener.incoming().take(32) {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 8192];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(response.as_bytes());
        }
    });
    format!("127.0.0.1:{}", address.port())
}

#[tokio::test]
async fn a_name_that_does_not_resolve() {
    let err = failure(store("http://stowage-no-such-host.invalid:9000", "gra", "AK", "SK")).await;
    assert_says(&err, ErrorKind::Network, &["stowage-no-such-host.invalid", "not found", "Endpoint"]);
}

#[tokio::test]
async fn a_port_where_nothing_listens() {
    let port = TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("address").port();
    let err = failure(store(&format!("http://127.0.0.1:{port}"), "gra", "AK", "SK")).await;
    assert_says(&err, ErrorKind::Network, &["connection refused", "port in the Endpoint"]);
}

#[tokio::test]
async fn a_server_that_never_answers() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    // Accept and hold every connection without a byte of answer.
    std::thread::spawn(move || {
        let held: Vec<_> = listener.incoming().take(8).collect();
        std::thread::sleep(Duration::from_secs(60));
        drop(held);
    });
    let err = failure(store(&format!("http://127.0.0.1:{port}"), "gra", "AK", "SK")).await;
    assert_says(&err, ErrorKind::Timeout, &["did not answer within 2 seconds", "Endpoint"]);
    assert!(err.retryable());
}

#[tokio::test]
async fn an_http_server_that_is_not_s3() {
    let address = http_server(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 30\r\nConnection: close\r\n\r\n<html><body>Hello</body></html>",
    );
    let err = failure(store(&format!("http://{address}"), "gra", "AK", "SK")).await;
    assert_says(&err, ErrorKind::Protocol, &["not as an S3 service", "Endpoint"]);

    let address = http_server(
        "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 9\r\nConnection: close\r\n\r\nNot here.",
    );
    let err = failure(store(&format!("http://{address}"), "gra", "AK", "SK")).await;
    assert_says(&err, ErrorKind::Protocol, &["not as an S3 service", "HTTP 404"]);
}

#[tokio::test]
async fn https_to_a_server_without_tls() {
    let address = http_server("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    let err = failure(store(&format!("https://{address}"), "gra", "AK", "SK")).await;
    assert_says(&err, ErrorKind::Network, &["secure connection", "https://", "Endpoint"]);
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run through scripts/test, which starts Garage"))
}

fn garage(region: &str, access: &str, secret: &str) -> S3Store {
    store(&env("STOWAGE_TEST_S3_ENDPOINT"), region, access, secret)
}

#[tokio::test]
#[ignore = "needs the S3 server that scripts/test starts"]
async fn an_unknown_access_key() {
    let err = failure(garage(
        &env("STOWAGE_TEST_S3_REGION"),
        "GK000000000000000000000000",
        &env("STOWAGE_TEST_S3_SECRET_KEY"),
    ))
    .await;
    assert_says(&err, ErrorKind::Auth, &["does not know this access key", "Access key field"]);
}

#[tokio::test]
#[ignore = "needs the S3 server that scripts/test starts"]
async fn a_wrong_secret_key() {
    let secret = "0".repeat(64);
    let err = failure(garage(&env("STOWAGE_TEST_S3_REGION"), &env("STOWAGE_TEST_S3_ACCESS_KEY"), &secret)).await;
    assert_says(&err, ErrorKind::Auth, &["secret key does not match", "Secret key field"]);
    assert!(!err.to_string().contains(&secret), "the secret is not repeated");
}

#[tokio::test]
#[ignore = "needs the S3 server that scripts/test starts"]
async fn a_wrong_region() {
    let err =
        failure(garage("eu-west-par", &env("STOWAGE_TEST_S3_ACCESS_KEY"), &env("STOWAGE_TEST_S3_SECRET_KEY"))).await;
    assert_says(&err, ErrorKind::InvalidInput, &["region does not match", "Region field"]);
}

#[tokio::test]
#[ignore = "needs the S3 server that scripts/test starts"]
async fn a_key_that_may_not_list() {
    let access = env("STOWAGE_TEST_S3_LIMITED_ACCESS_KEY");
    let err =
        failure(garage(&env("STOWAGE_TEST_S3_REGION"), &access, &env("STOWAGE_TEST_S3_LIMITED_SECRET_KEY"))).await;
    assert_says(
        &err,
        ErrorKind::AccessDenied,
        &["refused", "lack the permission", env("STOWAGE_TEST_S3_BUCKET").as_str()],
    );
}

#[tokio::test]
#[ignore = "needs the S3 server that scripts/test starts"]
async fn working_credentials_pass() {
    let report = probe(&garage(
        &env("STOWAGE_TEST_S3_REGION"),
        &env("STOWAGE_TEST_S3_ACCESS_KEY"),
        &env("STOWAGE_TEST_S3_SECRET_KEY"),
    ))
    .await
    .expect("connection works");
    assert!(report.containers >= 1);
    assert!(report.listed.is_some());
}

/// A region the SDK cannot put in a host name is the Region field's fault,
/// in the form's words: not the Endpoint's, and not the SDK's sentence.
#[tokio::test]
async fn a_region_that_cannot_be_a_host_name() {
    let port = TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("address").port();
    let err = failure(store(&format!("http://127.0.0.1:{port}"), "GRA 2", "AK", "SK")).await;
    assert_says(&err, ErrorKind::InvalidInput, &["Region", "GRA 2"]);
    assert!(!err.message().contains("Endpoint"), "{err}");
    assert!(!err.message().contains("DNS name"), "{err}");
    assert!(!err.retryable());
}
