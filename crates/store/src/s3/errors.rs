//! From an SDK failure to a [`StoreError`]: a kind that says whether to
//! retry, and a sentence that names what to fix, in the words of the
//! profile form (Endpoint, Region, Access key, Secret key).
//!
//! Services word the same failure differently: AWS and Ceph say
//! `InvalidAccessKeyId` and `SignatureDoesNotMatch`, Garage says
//! `AccessDenied` with "No such key" or "Invalid signature". Both are read.

use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};

use crate::{ErrorKind, StoreError};

/// Where the request went, for messages about the connection.
#[derive(Debug, Clone)]
pub(super) struct Target {
    pub endpoint: String,
    pub region: String,
    pub timeout_secs: u64,
}

impl Target {
    fn host(&self) -> &str {
        let rest = self.endpoint.split_once("://").map_or(self.endpoint.as_str(), |(_, r)| r);
        rest.split('/').next().unwrap_or(rest)
    }
}

/// `what` names the operation in a few words ("Listing containers").
pub(super) fn map_err<E>(err: SdkError<E, HttpResponse>, what: &str, target: &Target) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let (kind, message) = classify(&err, what, target);
    StoreError::new(kind, message).with_source(err)
}

fn classify<E>(err: &SdkError<E, HttpResponse>, what: &str, target: &Target) -> (ErrorKind, String)
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let host = target.host();
    // The SDK puts the region in host names and refuses one that cannot be.
    if causes(err).contains("region was not a valid DNS name") {
        return (
            ErrorKind::InvalidInput,
            format!(
                "The region \"{}\" cannot be part of a server name. Check the Region field: lowercase letters, \
                 digits and '-', such as gra or us-east-1.",
                target.region
            ),
        );
    }
    match err {
        SdkError::TimeoutError(_) => return timeout(host, target.timeout_secs),
        SdkError::DispatchFailure(failure) if failure.is_timeout() => return timeout(host, target.timeout_secs),
        SdkError::DispatchFailure(_) => return connection(host, &causes(err)),
        SdkError::ConstructionFailure(_) => {
            return (
                ErrorKind::InvalidInput,
                format!("{what} failed: the request could not be built ({}).", causes(err)),
            );
        }
        _ => {}
    }
    let response = err.raw_response();
    let status = response.map(|r| r.status().as_u16());
    let content_type = response.and_then(|r| r.headers().get("content-type")).unwrap_or_default().to_ascii_lowercase();
    let code = err.code().unwrap_or_default();
    let detail = err.message().unwrap_or_default();
    let said = if detail.is_empty() { code.to_owned() } else { format!("{code}: {detail}") };

    if matches!(err, SdkError::ResponseError(_))
        || (code.is_empty() && (content_type.contains("html") || content_type.contains("json")))
    {
        let status = status.map_or(String::new(), |s| format!("HTTP {s}, "));
        return (
            ErrorKind::Protocol,
            format!(
                "The endpoint {host} answered, but not as an S3 service ({status}{}). Check the Endpoint field: it is \
                 the S3 address, such as https://s3.gra.io.cloud.ovh.net.",
                if content_type.is_empty() { "unreadable answer" } else { &content_type }
            ),
        );
    }
    if code == "InvalidAccessKeyId" || detail.contains("No such key") {
        return (
            ErrorKind::Auth,
            "The service does not know this access key. Check the Access key field (on OVHcloud: Public Cloud, \
             Users & Roles, the user's S3 credentials)."
                .to_owned(),
        );
    }
    if code == "SignatureDoesNotMatch" || detail.contains("Invalid signature") {
        return (
            ErrorKind::Auth,
            "The secret key does not match the access key. Check the Secret key field.".to_owned(),
        );
    }
    if code == "AuthorizationHeaderMalformed" || code == "IllegalLocationConstraintException" || status == Some(301) {
        return (
            ErrorKind::InvalidInput,
            format!("The region does not match this endpoint. Check the Region field ({said})."),
        );
    }
    if matches!(code, "InvalidToken" | "ExpiredToken" | "TokenRefreshRequired") {
        return (
            ErrorKind::Auth,
            format!("The credentials were refused ({said}). Check the Access key and Secret key fields."),
        );
    }
    if code == "NotImplemented" || status == Some(501) {
        // Retrying cannot help: the service lacks the feature.
        let code = if code.is_empty() { "HTTP 501" } else { code };
        return (ErrorKind::InvalidInput, format!("{what} failed: this service does not offer it ({code})."));
    }
    let kind = match (kind_of_code(code), status) {
        (Some(ErrorKind::AccessDenied), _) => {
            return (
                ErrorKind::AccessDenied,
                format!(
                    "{what} was refused: these credentials are valid but lack the permission ({said}). Give the user \
                     access to it, or use the keys of a user who has it."
                ),
            );
        }
        (Some(kind), _) => kind,
        (None, Some(429 | 503)) => ErrorKind::Throttled,
        (None, Some(404)) => ErrorKind::NotFound,
        (None, Some(403)) => ErrorKind::AccessDenied,
        (None, Some(412)) => ErrorKind::Precondition,
        (None, Some(500..=599)) => ErrorKind::Server,
        _ => ErrorKind::Protocol,
    };
    let message = match (said.is_empty(), status) {
        (false, _) => match meaning(code) {
            Some(meaning) => format!("{what} failed: {meaning} ({code})."),
            None => format!("{what} failed: {said}"),
        },
        (true, Some(status)) => format!("{what} failed (HTTP {status})."),
        (true, None) => format!("{what} failed: {}", causes(err)),
    };
    (kind, message)
}

/// The kind an S3 error code names, whatever the HTTP status (a
/// DeleteObjects answer lists codes per key, with no status of their own).
pub(super) fn kind_of_code(code: &str) -> Option<ErrorKind> {
    Some(match code {
        "NoSuchKey" | "NoSuchBucket" | "NoSuchUpload" => ErrorKind::NotFound,
        "BucketAlreadyExists" | "BucketAlreadyOwnedByYou" => ErrorKind::AlreadyExists,
        "AccessDenied" | "AllAccessDisabled" => ErrorKind::AccessDenied,
        "BucketNotEmpty" | "PreconditionFailed" => ErrorKind::Precondition,
        "InvalidPart" => ErrorKind::PartMismatch,
        "InvalidBucketName"
        | "InvalidPartOrder"
        | "EntityTooSmall"
        | "EntityTooLarge"
        | "KeyTooLongError"
        | "InvalidStorageClass" => ErrorKind::InvalidInput,
        "SlowDown" | "Throttling" | "TooManyRequests" => ErrorKind::Throttled,
        "InternalError" | "ServiceUnavailable" => ErrorKind::Server,
        "RequestTimeout" => ErrorKind::Timeout,
        // The bytes were cut or altered on the way: sending them again helps.
        "IncompleteBody" | "BadDigest" | "XAmzContentSHA256Mismatch" => ErrorKind::Network,
        _ => return None,
    })
}

/// What an S3 error code means, as a sentence a person reads after
/// "… failed:"; the code follows in parentheses for a search or a support
/// ticket. The service's own text is left out: it is written for
/// developers ("Parts given to CompleteMultipartUpload do not match").
fn meaning(code: &str) -> Option<&'static str> {
    Some(match code {
        "InvalidPart" => "the service does not hold one of the upload's parts as it was sent",
        "InvalidPartOrder" => "the parts were named out of order",
        "NoSuchUpload" => "the multipart upload is no longer on the service (completed, aborted or expired)",
        "EntityTooSmall" => "a part other than the last is smaller than the 5 MiB the service needs",
        "EntityTooLarge" => "it is larger than the service takes in one request",
        "SlowDown" | "Throttling" | "TooManyRequests" => {
            "the service asked for fewer requests at once; they are sent again more slowly"
        }
        "InternalError" => "the service failed on its side, usually for a moment",
        "ServiceUnavailable" => "the service is unavailable for now",
        "RequestTimeout" => {
            "the service stopped waiting for the rest of the request: the connection is slow or was interrupted"
        }
        "IncompleteBody" => "the service received fewer bytes than were sent: the connection was cut",
        "BadDigest" | "XAmzContentSHA256Mismatch" => "the bytes arrived altered (their checksum differs)",
        "NoSuchBucket" => "the container does not exist",
        "NoSuchKey" => "the object does not exist",
        "BucketNotEmpty" => "the container still holds objects",
        "PreconditionFailed" => "the object changed since it was looked at",
        "KeyTooLongError" => "the object's name is longer than the 1,024 bytes S3 allows",
        "InvalidStorageClass" => "this service does not offer that storage class",
        "InvalidBucketName" => "the container's name is not valid here",
        "QuotaExceeded" => "the project's storage quota is reached",
        "InvalidRange" => "the bytes asked for are past the object's end",
        _ => return None,
    })
}

fn timeout(host: &str, secs: u64) -> (ErrorKind, String) {
    (
        ErrorKind::Timeout,
        format!("{host} did not answer within {secs} seconds. Check the Endpoint field, your network, and any proxy or firewall."),
    )
}

/// A failure before any HTTP answer: DNS, refused, TLS, or another socket error.
fn connection(host: &str, causes: &str) -> (ErrorKind, String) {
    let lower = causes.to_ascii_lowercase();
    let name = host.rsplit_once(':').map_or(host, |(name, _)| name);
    let dns = lower.contains("dns error")
        || lower.contains("failed to lookup")
        || lower.contains("name or service not known");
    let message = if dns && is_provider_endpoint(name) {
        // Nobody typed this name: the region chose it, and it exists. Offline, or a proxy in the way.
        format!("Cannot reach {name}: its name did not resolve. Check the network connection or proxy.")
    } else if dns {
        format!("The server name \"{name}\" was not found (DNS lookup failed). Check the Endpoint field for a typo.")
    } else if lower.contains("connection refused") {
        format!("Nothing accepts connections at {host} (connection refused). Check the port in the Endpoint field, and that the service runs.")
    } else if lower.contains("tls")
        || lower.contains("certificate")
        || lower.contains("handshake")
        || lower.contains("ssl")
    {
        format!(
            "The secure connection to {host} failed ({}). Check the Endpoint field: https:// needs a service that speaks \
             TLS with a valid certificate; a local test server may need http://.",
            last_cause(causes)
        )
    } else {
        format!("Cannot reach {host} ({}). Check the Endpoint field and your network.", last_cause(causes))
    };
    (ErrorKind::Network, message)
}

/// An endpoint a provider publishes (chosen by region, not typed): a name
/// that does not resolve says more about the network than about the field.
fn is_provider_endpoint(name: &str) -> bool {
    name.ends_with(".io.cloud.ovh.net") || name.ends_with(".amazonaws.com")
}

/// Every error in the chain, outermost first: the SDK's outer layers only say
/// "dispatch failure"; the inner ones say "dns error" or "connection refused".
fn causes(err: &(dyn std::error::Error + 'static)) -> String {
    let mut out = err.to_string();
    let mut current = err.source();
    while let Some(next) = current {
        out.push_str(": ");
        out.push_str(&next.to_string());
        current = next.source();
    }
    out
}

fn last_cause(causes: &str) -> &str {
    causes.rsplit(": ").next().unwrap_or(causes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_failures_are_told_apart() {
        let host = "s3.gra.example.net:443";
        let (_, dns) = connection(
            host,
            "dispatch failure: io error: client error (Connect): dns error: failed to lookup address information",
        );
        assert!(dns.contains("not found") && dns.contains("Endpoint"), "{dns}");
        let (_, offline) = connection(
            "s3.gra.io.cloud.ovh.net:443",
            "dispatch failure: io error: client error (Connect): dns error: failed to lookup address information",
        );
        assert_eq!(
            offline,
            "Cannot reach s3.gra.io.cloud.ovh.net: its name did not resolve. Check the network connection or proxy."
        );
        let (_, refused) =
            connection(host, "dispatch failure: io error: tcp connect error: Connection refused (os error 111)");
        assert!(refused.contains("connection refused") && refused.contains("port"), "{refused}");
        let (_, tls) = connection(host, "dispatch failure: other: invalid peer certificate: UnknownIssuer");
        assert!(tls.contains("secure connection") && tls.contains("UnknownIssuer"), "{tls}");
    }

    #[test]
    fn codes_a_person_meets_read_as_sentences() {
        for code in ["InvalidPart", "NotImplemented", "SlowDown", "RequestTimeout", "NoSuchUpload", "QuotaExceeded"] {
            let said = meaning(code).map_or_else(|| "this service does not offer it".to_owned(), str::to_owned);
            assert!(said.split_whitespace().count() >= 4 && !said.contains(code), "{code}: {said}");
        }
        assert_eq!(kind_of_code("InvalidPart"), Some(ErrorKind::PartMismatch));
        assert!(kind_of_code("RequestTimeout").is_some_and(ErrorKind::retryable));
        assert!(kind_of_code("IncompleteBody").is_some_and(ErrorKind::retryable));
    }

    #[test]
    fn host_comes_from_the_endpoint() {
        let target =
            Target { endpoint: "https://s3.gra.io.cloud.ovh.net/".into(), region: "gra".into(), timeout_secs: 5 };
        assert_eq!(target.host(), "s3.gra.io.cloud.ovh.net");
    }
}
