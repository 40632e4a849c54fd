//! The app token travels safely: never over plain http:// beyond this
//! machine, never after a redirect, and an answer without end cannot fill
//! the memory. Each server here is a raw socket that answers one way.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;

use stowage_jobs::training::model::Workload;
use stowage_jobs::training::{ApiErrorKind, ListFilter, Retry, Token, TrainingClient};

const TOKEN: &str = "CANARY-token-never-elsewhere";

/// Serves each connection with `answer` (given the request's head) until the test ends.
fn serve(answer: impl Fn(&str, &mut TcpStream) + Send + Sync + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let answer = Arc::new(answer);
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let answer = answer.clone();
            thread::spawn(move || {
                let mut stream = stream;
                let mut head = String::new();
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                while reader.read_line(&mut head).is_ok_and(|n| n > 0) && !head.ends_with("\r\n\r\n") {}
                answer(&head, &mut stream);
            });
        }
    });
    url
}

fn client(url: &str) -> TrainingClient {
    TrainingClient::new(url, Token::new(TOKEN))
        .expect("client")
        .with_retry(Retry { attempts: 1, first_backoff: std::time::Duration::from_millis(10) })
}

#[test]
fn plain_http_is_only_for_this_machine() {
    for local in [
        "http://127.0.0.1:8080",
        "http://localhost:8080/",
        "http://[::1]:8080",
        "https://gra.training.ai.cloud.ovh.net",
    ] {
        assert!(TrainingClient::new(local, Token::new(TOKEN)).is_ok(), "{local}");
    }
    for remote in ["http://gra.training.ai.cloud.ovh.net", "http://10.0.0.5:8080", "http://example.com"] {
        let err = TrainingClient::new(remote, Token::new(TOKEN)).expect_err(remote);
        assert!(err.message.contains("plain http://"), "{err}");
        assert!(!err.message.contains(TOKEN));
    }
}

#[tokio::test]
async fn a_redirect_is_never_followed_with_the_token() {
    let reached = Arc::new(AtomicBool::new(false));
    let elsewhere = {
        let reached = reached.clone();
        serve(move |_, stream| {
            reached.store(true, Ordering::SeqCst);
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]");
        })
    };
    let redirecting = {
        let to = format!("{elsewhere}/v1/job");
        serve(move |_, stream| {
            let _ = write!(
                stream,
                "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        })
    };
    let err = client(&redirecting).list(Workload::Job, &ListFilter::default()).await.expect_err("a redirect");
    assert_eq!(err.kind, ApiErrorKind::Refused);
    assert!(err.message.contains("redirect") && err.message.contains(&elsewhere), "{err}");
    assert!(!reached.load(Ordering::SeqCst), "the other server was asked");
}

#[tokio::test]
async fn an_answer_without_end_is_refused_past_its_bound() {
    let url = serve(|_, stream| {
        if stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
            .is_err()
        {
            return;
        }
        let chunk = vec![b' '; 1 << 20];
        // Until the client hangs up.
        while write!(stream, "{:x}\r\n", chunk.len())
            .and_then(|()| stream.write_all(&chunk))
            .and_then(|()| stream.write_all(b"\r\n"))
            .is_ok()
        {}
    });
    let err = client(&url).get(Workload::Job, "job-1").await.expect_err("too large");
    assert!(err.message.contains("larger than 64 MiB"), "{err}");
}

#[tokio::test]
async fn a_followed_log_without_line_ends_comes_in_bounded_pieces() {
    let url = serve(|_, stream| {
        let body = vec![b'x'; 3 << 20];
        let _ = write!(stream, "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
        let _ = stream.write_all(&body);
    });
    let mut pieces = Vec::new();
    client(&url).follow_logs("job-1", None, |line| pieces.push(line.len())).await.expect("follow");
    assert_eq!(pieces.iter().sum::<usize>(), 3 << 20, "nothing lost");
    assert!(pieces.iter().all(|n| *n <= 1 << 20), "{pieces:?}");
}
