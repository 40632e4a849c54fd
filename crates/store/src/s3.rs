//! Any S3-compatible service through aws-sdk-s3: OVHcloud Object Storage
//! first, and Garage, MinIO, AWS and others.
//!
//! Requests carry checksums only when the operation requires them: OVHcloud
//! rejected the SDK's default CRC32 trailers (aws-chunked) in 2025, and
//! integrity is checked by the transfer engine after upload instead.

use std::path::Path;
use std::time::Duration;

use async_trait::async_trait;
use aws_credential_types::Credentials;
use aws_sdk_s3::config::timeout::TimeoutConfig;
use aws_sdk_s3::config::{Region, RequestChecksumCalculation, ResponseChecksumValidation};
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::{ByteStream, Length};
use aws_sdk_s3::types::{BucketLocationConstraint, CompletedMultipartUpload, CompletedPart, CreateBucketConfiguration};
use aws_sdk_s3::Client;

use crate::{
    check_key, check_part_number, ContainerInfo, ErrorKind, FileSlice, ListOptions, ListPage, ObjectInfo, ObjectStore,
    PartInfo, PutOptions, PutResult, Result, StoreError,
};

/// Where and how to reach the service. Credentials travel separately.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Settings {
    /// `https://s3.gra.io.cloud.ovh.net`; `None` for AWS's own endpoints.
    pub endpoint: Option<String>,
    /// The signing region, e.g. `gra`.
    pub region: String,
    /// `https://host/bucket/key` instead of `https://bucket.host/key`.
    pub path_style: bool,
}

#[derive(Debug, Clone)]
pub struct S3Store {
    client: Client,
    region: String,
}

impl S3Store {
    /// A client for `settings`. `credentials` print as redacted in Debug and
    /// go nowhere but the request signer.
    pub fn new(settings: &S3Settings, credentials: Credentials) -> Self {
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(10))
            .read_timeout(Duration::from_secs(60))
            .build();
        let mut config = aws_sdk_s3::Config::builder()
            .behavior_version_latest()
            .region(Region::new(settings.region.clone()))
            .credentials_provider(credentials)
            .force_path_style(settings.path_style)
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired)
            .timeout_config(timeouts);
        if let Some(endpoint) = &settings.endpoint {
            config = config.endpoint_url(endpoint);
        }
        Self { client: Client::from_conf(config.build()), region: settings.region.clone() }
    }
}

/// Turns an SDK failure into a [`StoreError`] whose kind says what to do
/// about it; `what` names the operation for the message.
fn map_err<E>(err: SdkError<E, aws_sdk_s3::config::http::HttpResponse>, what: &str) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let status = err.raw_response().map(|r| r.status().as_u16());
    let code = err.code().map(str::to_owned);
    let detail = err.message().map(str::to_owned);
    let kind = match (&err, code.as_deref(), status) {
        (SdkError::TimeoutError(_), _, _) => ErrorKind::Timeout,
        (SdkError::DispatchFailure(d), _, _) if d.is_timeout() => ErrorKind::Timeout,
        (SdkError::DispatchFailure(_), _, _) => ErrorKind::Network,
        (SdkError::ConstructionFailure(_), _, _) => ErrorKind::InvalidInput,
        (_, Some("NoSuchKey" | "NoSuchBucket" | "NoSuchUpload"), _) => ErrorKind::NotFound,
        (_, Some("BucketAlreadyExists" | "BucketAlreadyOwnedByYou"), _) => ErrorKind::AlreadyExists,
        (_, Some("InvalidAccessKeyId" | "SignatureDoesNotMatch" | "InvalidToken" | "ExpiredToken"), _) => ErrorKind::Auth,
        (_, Some("AccessDenied" | "AllAccessDisabled"), _) => ErrorKind::AccessDenied,
        (_, Some("BucketNotEmpty" | "PreconditionFailed"), _) => ErrorKind::Precondition,
        (_, Some("InvalidBucketName" | "InvalidPart" | "InvalidPartOrder" | "EntityTooSmall" | "EntityTooLarge" | "KeyTooLongError"), _) => {
            ErrorKind::InvalidInput
        }
        (_, Some("SlowDown" | "Throttling" | "TooManyRequests"), _) | (_, _, Some(429 | 503)) => ErrorKind::Throttled,
        (_, _, Some(404)) => ErrorKind::NotFound,
        (_, _, Some(403)) => ErrorKind::AccessDenied,
        (_, _, Some(412)) => ErrorKind::Precondition,
        (_, _, Some(500..=599)) => ErrorKind::Server,
        _ => ErrorKind::Protocol,
    };
    let mut message = format!("{what} failed");
    match (code, detail, status) {
        (Some(code), Some(detail), _) => message.push_str(&format!(": {code}: {detail}")),
        (Some(code), None, _) => message.push_str(&format!(": {code}")),
        (None, _, Some(status)) => message.push_str(&format!(" (HTTP {status})")),
        (None, _, None) => message.push_str(&format!(": {}", root_cause(&err))),
    }
    StoreError::new(kind, message).with_source(err)
}

/// The innermost error's text: for a connection failure it says "connection
/// refused" or "dns error" where the outer layers only say "dispatch failure".
fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut current = err;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

fn millis(t: Option<&aws_sdk_s3::primitives::DateTime>) -> Option<i64> {
    t.and_then(|t| t.to_millis().ok())
}

fn unquote(etag: Option<&str>) -> Option<String> {
    etag.map(|e| e.trim_matches('"').to_owned())
}

fn body_error(err: impl std::error::Error + Send + Sync + 'static, path: &Path) -> StoreError {
    StoreError::new(ErrorKind::Io, format!("Cannot read {}: {err}", path.display())).with_source(err)
}

#[async_trait]
impl ObjectStore for S3Store {
    async fn list_containers(&self) -> Result<Vec<ContainerInfo>> {
        let mut containers = Vec::new();
        let mut token = None;
        loop {
            let out = self
                .client
                .list_buckets()
                .set_continuation_token(token)
                .send()
                .await
                .map_err(|e| map_err(e, "Listing containers"))?;
            containers.extend(out.buckets().iter().map(|b| ContainerInfo {
                name: b.name().unwrap_or_default().to_owned(),
                created_ms: millis(b.creation_date()),
            }));
            token = out.continuation_token().map(str::to_owned);
            if token.is_none() {
                return Ok(containers);
            }
        }
    }

    async fn create_container(&self, name: &str) -> Result<()> {
        crate::container_name::validate(name).map_err(StoreError::invalid_input)?;
        let mut request = self.client.create_bucket().bucket(name);
        // us-east-1 is the one region that must not be named.
        if self.region != "us-east-1" {
            let constraint = BucketLocationConstraint::from(self.region.as_str());
            request = request.create_bucket_configuration(CreateBucketConfiguration::builder().location_constraint(constraint).build());
        }
        request.send().await.map_err(|e| map_err(e, &format!("Creating container \"{name}\"")))?;
        Ok(())
    }

    async fn delete_container(&self, name: &str) -> Result<()> {
        self.client.delete_bucket().bucket(name).send().await.map_err(|e| map_err(e, &format!("Deleting container \"{name}\"")))?;
        Ok(())
    }

    async fn list(&self, container: &str, options: &ListOptions) -> Result<ListPage> {
        let out = self
            .client
            .list_objects_v2()
            .bucket(container)
            .prefix(&options.prefix)
            .set_delimiter(options.delimiter.clone())
            .set_continuation_token(options.continuation.clone())
            .max_keys(i32::try_from(options.page_size()).unwrap_or(1000))
            .send()
            .await
            .map_err(|e| map_err(e, &format!("Listing \"{container}/{}\"", options.prefix)))?;
        let objects = out
            .contents()
            .iter()
            .map(|o| ObjectInfo {
                key: o.key().unwrap_or_default().to_owned(),
                size: o.size().and_then(|s| u64::try_from(s).ok()).unwrap_or(0),
                modified_ms: millis(o.last_modified()),
                etag: unquote(o.e_tag()),
                content_type: None,
                metadata: Default::default(),
            })
            .collect();
        let prefixes = out.common_prefixes().iter().filter_map(|p| p.prefix().map(str::to_owned)).collect();
        let next = if out.is_truncated() == Some(true) { out.next_continuation_token().map(str::to_owned) } else { None };
        Ok(ListPage { objects, prefixes, next })
    }

    async fn head(&self, container: &str, key: &str) -> Result<ObjectInfo> {
        check_key(key)?;
        let out = self.client.head_object().bucket(container).key(key).send().await.map_err(|e| {
            let err = map_err(e, &format!("Reading \"{container}/{key}\""));
            if err.kind() == ErrorKind::NotFound { StoreError::no_object(container, key) } else { err }
        })?;
        Ok(ObjectInfo {
            key: key.to_owned(),
            size: out.content_length().and_then(|s| u64::try_from(s).ok()).unwrap_or(0),
            modified_ms: millis(out.last_modified()),
            etag: unquote(out.e_tag()),
            content_type: out.content_type().map(str::to_owned),
            metadata: out.metadata().map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default(),
        })
    }

    async fn get_to_file(&self, container: &str, key: &str, dest: &Path) -> Result<ObjectInfo> {
        check_key(key)?;
        let out = self.client.get_object().bucket(container).key(key).send().await.map_err(|e| {
            let err = map_err(e, &format!("Downloading \"{container}/{key}\""));
            if err.kind() == ErrorKind::NotFound { StoreError::no_object(container, key) } else { err }
        })?;
        let info = ObjectInfo {
            key: key.to_owned(),
            size: out.content_length().and_then(|s| u64::try_from(s).ok()).unwrap_or(0),
            modified_ms: millis(out.last_modified()),
            etag: unquote(out.e_tag()),
            content_type: out.content_type().map(str::to_owned),
            metadata: out.metadata().map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default(),
        };
        let tmp = crate::local::sibling_tmp(dest);
        let copied = async {
            let mut file = tokio::fs::File::create(&tmp).await.map_err(|e| StoreError::io(format!("Cannot create {}", tmp.display()), e))?;
            let mut body = out.body.into_async_read();
            let n = tokio::io::copy(&mut body, &mut file).await.map_err(|e| {
                StoreError::new(ErrorKind::Network, format!("Downloading \"{container}/{key}\" was interrupted: {e}")).with_source(e)
            })?;
            file.sync_all().await.map_err(|e| StoreError::io(format!("Cannot write {}", tmp.display()), e))?;
            if n != info.size {
                return Err(StoreError::new(
                    ErrorKind::Network,
                    format!("Downloading \"{container}/{key}\" ended after {n} of {} bytes.", info.size),
                ));
            }
            crate::local::rename(&tmp, dest)
        }
        .await;
        if copied.is_err() {
            let _ = tokio::fs::remove_file(&tmp).await;
        }
        copied.map(|()| info)
    }

    async fn put_file(&self, container: &str, key: &str, source: &Path, options: &PutOptions) -> Result<PutResult> {
        check_key(key)?;
        let body = ByteStream::from_path(source).await.map_err(|e| body_error(e, source))?;
        let out = self
            .client
            .put_object()
            .bucket(container)
            .key(key)
            .body(body)
            .set_content_type(options.content_type.clone())
            .set_metadata(Some(options.metadata.clone().into_iter().collect()))
            .send()
            .await
            .map_err(|e| map_err(e, &format!("Uploading \"{container}/{key}\"")))?;
        Ok(PutResult { etag: unquote(out.e_tag()) })
    }

    async fn create_multipart(&self, container: &str, key: &str, options: &PutOptions) -> Result<String> {
        check_key(key)?;
        let out = self
            .client
            .create_multipart_upload()
            .bucket(container)
            .key(key)
            .set_content_type(options.content_type.clone())
            .set_metadata(Some(options.metadata.clone().into_iter().collect()))
            .send()
            .await
            .map_err(|e| map_err(e, &format!("Starting the upload of \"{container}/{key}\"")))?;
        out.upload_id()
            .map(str::to_owned)
            .ok_or_else(|| StoreError::new(ErrorKind::Protocol, "The service started a multipart upload without an id."))
    }

    async fn upload_part(&self, container: &str, key: &str, upload_id: &str, number: u32, body: FileSlice<'_>) -> Result<PartInfo> {
        check_part_number(number)?;
        let stream = ByteStream::read_from()
            .path(body.path)
            .offset(body.offset)
            .length(Length::Exact(body.len))
            .build()
            .await
            .map_err(|e| body_error(e, body.path))?;
        let out = self
            .client
            .upload_part()
            .bucket(container)
            .key(key)
            .upload_id(upload_id)
            .part_number(i32::try_from(number).unwrap_or(i32::MAX))
            .content_length(i64::try_from(body.len).unwrap_or(i64::MAX))
            .body(stream)
            .send()
            .await
            .map_err(|e| map_err(e, &format!("Uploading part {number} of \"{container}/{key}\"")))?;
        let etag = unquote(out.e_tag()).ok_or_else(|| StoreError::new(ErrorKind::Protocol, "The service accepted a part without an ETag."))?;
        Ok(PartInfo { number, etag, size: body.len })
    }

    async fn complete_multipart(&self, container: &str, key: &str, upload_id: &str, parts: &[PartInfo]) -> Result<PutResult> {
        let completed = parts
            .iter()
            .map(|p| CompletedPart::builder().part_number(i32::try_from(p.number).unwrap_or(i32::MAX)).e_tag(format!("\"{}\"", p.etag)).build())
            .collect();
        let out = self
            .client
            .complete_multipart_upload()
            .bucket(container)
            .key(key)
            .upload_id(upload_id)
            .multipart_upload(CompletedMultipartUpload::builder().set_parts(Some(completed)).build())
            .send()
            .await
            .map_err(|e| map_err(e, &format!("Completing the upload of \"{container}/{key}\"")))?;
        Ok(PutResult { etag: unquote(out.e_tag()) })
    }

    async fn abort_multipart(&self, container: &str, key: &str, upload_id: &str) -> Result<()> {
        self.client
            .abort_multipart_upload()
            .bucket(container)
            .key(key)
            .upload_id(upload_id)
            .send()
            .await
            .map_err(|e| map_err(e, &format!("Aborting the upload of \"{container}/{key}\"")))?;
        Ok(())
    }

    async fn list_parts(&self, container: &str, key: &str, upload_id: &str) -> Result<Vec<PartInfo>> {
        let mut parts = Vec::new();
        let mut marker = None;
        loop {
            let out = self
                .client
                .list_parts()
                .bucket(container)
                .key(key)
                .upload_id(upload_id)
                .set_part_number_marker(marker)
                .send()
                .await
                .map_err(|e| map_err(e, &format!("Listing the parts of \"{container}/{key}\"")))?;
            parts.extend(out.parts().iter().map(|p| PartInfo {
                number: p.part_number().and_then(|n| u32::try_from(n).ok()).unwrap_or(0),
                etag: unquote(p.e_tag()).unwrap_or_default(),
                size: p.size().and_then(|s| u64::try_from(s).ok()).unwrap_or(0),
            }));
            marker = out.next_part_number_marker().map(str::to_owned);
            if out.is_truncated() != Some(true) || marker.is_none() {
                return Ok(parts);
            }
        }
    }

    async fn delete(&self, container: &str, key: &str) -> Result<()> {
        check_key(key)?;
        self.client
            .delete_object()
            .bucket(container)
            .key(key)
            .send()
            .await
            .map_err(|e| map_err(e, &format!("Deleting \"{container}/{key}\"")))?;
        Ok(())
    }
}
