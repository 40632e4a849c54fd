//! Any S3-compatible service through aws-sdk-s3: OVHcloud Object Storage
//! first, and Garage, MinIO, AWS and others.
//!
//! The SDK's own retries, its read timeout and its stalled-stream
//! protection are off: the layers above decide, once for every backend (see
//! [`crate::storage`]). Its read timeout counted a whole upload, body
//! included, so a part on a slow link failed however well it moved; its
//! stalled-stream protection left an upload whose server froze after five
//! seconds and sent it again on a new connection, unseen by the layers
//! above.
//!
//! Upload bodies go in chunks through the [`BodyWatch`] of the call: the
//! bandwidth layer paces them, the timeout layer sees them taken by the
//! connection, the transfer counts them.
//!
//! Requests carry checksums only when the operation requires them: OVHcloud
//! rejected the SDK's default CRC32 trailers (aws-chunked) in 2025, and
//! integrity is checked by the transfer engine after upload instead. A
//! profile can ask for a checksum on every upload ([`ChecksumMode::Always`]):
//! it is computed here and sent as a plain `x-amz-checksum-*` header, never
//! as a streaming trailer.

mod errors;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use aws_credential_types::Credentials;
use aws_sdk_s3::config::retry::RetryConfig;
use aws_sdk_s3::config::timeout::TimeoutConfig;
use aws_sdk_s3::config::{
    Region, RequestChecksumCalculation, ResponseChecksumValidation, StalledStreamProtectionConfig,
};
use aws_sdk_s3::operation::get_object::builders::GetObjectFluentBuilder;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    BucketLocationConstraint, BucketVersioningStatus, CompletedMultipartUpload, CompletedPart,
    CreateBucketConfiguration, Delete, ObjectIdentifier, StorageClass, VersioningConfiguration,
};
use aws_sdk_s3::Client;
use bytes::Bytes;
use futures::StreamExt;
use serde::{Deserialize, Serialize};

use self::errors::{kind_of_code, map_err, Target};
use crate::layers::BodyWatch;

use crate::{
    check_key, check_part_number, ContainerInfo, DeleteFailure, ErrorKind, GetOptions, GetResult, ListOptions,
    ListPage, MultipartStore, ObjectInfo, ObjectStore, PartBody, PartInfo, PutOptions, PutResult, Result, ShareLink,
    ShareLinks, StoreError, VersionInfo, VersionPage, VersionStore, Versioning, MAX_LINK_LIFETIME,
};

/// Where and how to reach the service. Credentials travel separately.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Settings {
    /// `https://s3.gra.io.cloud.ovh.net`; `None` for AWS's own endpoints.
    pub endpoint: Option<String>,
    /// The signing region, e.g. `gra`.
    pub region: String,
    /// `https://host/bucket/key` instead of `https://bucket.host/key`.
    /// Buckets with dots always use path style: their names break
    /// virtual-hosted TLS certificates.
    pub path_style: bool,
    pub checksum: ChecksumMode,
    /// How long to wait for a connection. How long a request may show no
    /// progress is the [`Timeout`](crate::layers::Timeout) layer's.
    pub connect_timeout: Duration,
}

impl S3Settings {
    pub fn new(endpoint: Option<String>, region: impl Into<String>) -> Self {
        Self {
            endpoint,
            region: region.into(),
            path_style: false,
            checksum: ChecksumMode::WhenRequired,
            connect_timeout: Duration::from_secs(10),
        }
    }
}

/// When uploads carry a checksum header the service verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "mode", rename_all = "camelCase")]
pub enum ChecksumMode {
    /// Only where the operation requires one (the default: some providers
    /// reject the SDK's streaming checksum trailers).
    #[default]
    WhenRequired,
    /// On every upload request, with this algorithm.
    Always { algorithm: ChecksumAlgorithm },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum ChecksumAlgorithm {
    Crc32,
    Crc32c,
    Crc64nvme,
    Sha1,
    Sha256,
}

#[derive(Debug, Clone)]
pub struct S3Store {
    client: Client,
    /// The same client with path-style addressing, for buckets with dots.
    path_client: Client,
    region: String,
    checksum: Option<ChecksumAlgorithm>,
    target: Target,
}

impl S3Store {
    /// A client for `settings`. `credentials` print as redacted in Debug and
    /// go nowhere but the request signer.
    pub fn new(settings: &S3Settings, credentials: Credentials) -> Self {
        let timeouts = TimeoutConfig::builder().connect_timeout(settings.connect_timeout).build();
        let mut config = aws_sdk_s3::Config::builder()
            .behavior_version_latest()
            .region(Region::new(settings.region.clone()))
            .credentials_provider(credentials)
            .force_path_style(settings.path_style)
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired)
            .retry_config(RetryConfig::disabled())
            .stalled_stream_protection(StalledStreamProtectionConfig::disabled())
            .timeout_config(timeouts);
        if let Some(endpoint) = &settings.endpoint {
            config = config.endpoint_url(endpoint);
        }
        let config = config.build();
        let path_client = Client::from_conf(config.to_builder().force_path_style(true).build());
        let checksum = match settings.checksum {
            ChecksumMode::WhenRequired => None,
            ChecksumMode::Always { algorithm } => Some(algorithm),
        };
        let endpoint =
            settings.endpoint.clone().unwrap_or_else(|| format!("https://s3.{}.amazonaws.com", settings.region));
        let timeout_secs = settings.connect_timeout.as_secs();
        Self {
            client: Client::from_conf(config),
            path_client,
            region: settings.region.clone(),
            checksum,
            target: Target { endpoint, region: settings.region.clone(), timeout_secs },
        }
    }

    /// A GET of `key` (of its bytes `range`, an HTTP Range value, when
    /// given) that the service refuses if the object is no longer
    /// `expected_etag`.
    fn get_version(
        &self,
        container: &str,
        key: &str,
        range: Option<String>,
        expected_etag: Option<&str>,
        version_id: Option<&str>,
    ) -> GetObjectFluentBuilder {
        self.client(container)
            .get_object()
            .bucket(container)
            .key(key)
            .set_version_id(version_id.map(str::to_owned))
            .set_range(range)
            .set_if_match(expected_etag.map(|etag| format!("\"{}\"", etag.trim_matches('"'))))
    }

    /// The object as a HEAD sees it, if it is still the version `options` asks for.
    async fn version(&self, container: &str, key: &str, options: &GetOptions) -> Result<ObjectInfo> {
        let info = self.head(container, key).await?;
        crate::check_expected_etag(container, key, info.etag.as_deref(), options.if_match.as_deref())?;
        Ok(info)
    }

    fn client(&self, container: &str) -> &Client {
        if container.contains('.') {
            &self.path_client
        } else {
            &self.client
        }
    }
}

/// A checksum header value for a request body.
struct BodyChecksum {
    algorithm: ChecksumAlgorithm,
    value: String,
}

impl S3Store {
    /// The checksum header of `body` under the profile's algorithm, when
    /// the profile asks for one on every upload.
    fn checksum(&self, body: &[u8]) -> Option<BodyChecksum> {
        let algorithm = self.checksum?;
        let name = match algorithm {
            ChecksumAlgorithm::Crc32 => "crc32",
            ChecksumAlgorithm::Crc32c => "crc32c",
            ChecksumAlgorithm::Crc64nvme => "crc64nvme",
            ChecksumAlgorithm::Sha1 => "sha1",
            ChecksumAlgorithm::Sha256 => "sha256",
        };
        // Every name above is one the SDK's checksum crate knows.
        let mut hasher = name.parse::<aws_smithy_checksums::ChecksumAlgorithm>().ok()?.into_impl();
        hasher.update(body);
        let value = hasher.header_value().to_str().unwrap_or_default().to_owned();
        Some(BodyChecksum { algorithm, value })
    }
}

/// Sets the checksum header of a PutObject or UploadPart request.
macro_rules! with_checksum {
    ($request:expr, $checksum:expr) => {
        match $checksum {
            None => $request,
            Some(BodyChecksum { algorithm: ChecksumAlgorithm::Crc32, value }) => $request.checksum_crc32(value),
            Some(BodyChecksum { algorithm: ChecksumAlgorithm::Crc32c, value }) => $request.checksum_crc32_c(value),
            Some(BodyChecksum { algorithm: ChecksumAlgorithm::Crc64nvme, value }) => {
                $request.checksum_crc64_nvme(value)
            }
            Some(BodyChecksum { algorithm: ChecksumAlgorithm::Sha1, value }) => $request.checksum_sha1(value),
            Some(BodyChecksum { algorithm: ChecksumAlgorithm::Sha256, value }) => $request.checksum_sha256(value),
        }
    };
}

/// What HeadObject and GetObject say about an object (their outputs differ
/// in type, not in these fields).
macro_rules! object_info {
    ($key:expr, $out:expr) => {
        ObjectInfo {
            key: $key.to_owned(),
            size: $out.content_length().and_then(|s| u64::try_from(s).ok()).unwrap_or(0),
            modified_ms: millis($out.last_modified()),
            etag: unquote($out.e_tag()),
            content_type: $out.content_type().map(str::to_owned),
            metadata: $out
                .metadata()
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
            storage_class: $out.storage_class().map(|c| c.as_str().to_owned()),
        }
    };
}

/// A 404 on an object says which object, not just "not found".
fn not_found_as_no_object(err: StoreError, container: &str, key: &str) -> StoreError {
    if err.kind() == ErrorKind::NotFound {
        StoreError::no_object(container, key)
    } else {
        err
    }
}

fn millis(t: Option<&aws_sdk_s3::primitives::DateTime>) -> Option<i64> {
    t.and_then(|t| t.to_millis().ok())
}

fn unquote(etag: Option<&str>) -> Option<String> {
    etag.map(|e| e.trim_matches('"').to_owned())
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
                .map_err(|e| map_err(e, "Listing containers", &self.target))?;
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
        crate::container_name::validate(name)?;
        // AWS in us-east-1 (and moto, which follows it) answers 200 to
        // creating a bucket you already own: ask first, so an existing
        // container is never reported as created. Any other answer (403
        // for someone else's bucket, or for keys that may not look) leaves
        // it to the create request to say.
        if self.client(name).head_bucket().bucket(name).send().await.is_ok() {
            return Err(StoreError::new(
                ErrorKind::AlreadyExists,
                format!("The container \"{name}\" already exists; choose another name."),
            ));
        }
        let mut request = self.client(name).create_bucket().bucket(name);
        // us-east-1 is the one region that must not be named.
        if self.region != "us-east-1" {
            let constraint = BucketLocationConstraint::from(self.region.as_str());
            request = request.create_bucket_configuration(
                CreateBucketConfiguration::builder().location_constraint(constraint).build(),
            );
        }
        request.send().await.map_err(|e| map_err(e, &format!("Creating container \"{name}\""), &self.target))?;
        Ok(())
    }

    async fn delete_container(&self, name: &str) -> Result<()> {
        self.client(name)
            .delete_bucket()
            .bucket(name)
            .send()
            .await
            .map_err(|e| map_err(e, &format!("Deleting container \"{name}\""), &self.target))?;
        Ok(())
    }

    async fn list(&self, container: &str, options: &ListOptions) -> Result<ListPage> {
        let out = self
            .client(container)
            .list_objects_v2()
            .bucket(container)
            .prefix(&options.prefix)
            .set_delimiter(options.delimiter.clone())
            .set_continuation_token(options.continuation.clone())
            .max_keys(i32::try_from(options.page_size()).unwrap_or(1000))
            .send()
            .await
            .map_err(|e| match map_err(e, &format!("Listing \"{container}/{}\"", options.prefix), &self.target) {
                // A listing finds no key; only its container can be missing.
                err if err.kind() == ErrorKind::NotFound => StoreError::no_container(container),
                err => err,
            })?;
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
                storage_class: o.storage_class().map(|c| c.as_str().to_owned()),
            })
            .collect();
        let prefixes = out.common_prefixes().iter().filter_map(|p| p.prefix().map(str::to_owned)).collect();
        let next =
            if out.is_truncated() == Some(true) { out.next_continuation_token().map(str::to_owned) } else { None };
        Ok(ListPage { objects, prefixes, next })
    }

    async fn head(&self, container: &str, key: &str) -> Result<ObjectInfo> {
        check_key(key)?;
        let out = self.client(container).head_object().bucket(container).key(key).send().await.map_err(|e| {
            not_found_as_no_object(map_err(e, &format!("Reading \"{container}/{key}\""), &self.target), container, key)
        })?;
        Ok(object_info!(key, out))
    }

    async fn get(&self, container: &str, key: &str, options: &GetOptions) -> Result<GetResult> {
        check_key(key)?;
        let what = format!("Downloading \"{container}/{key}\"");
        let range = match (options.offset, options.len) {
            (0, None) => None,
            (start, None) => Some(format!("bytes={start}-")),
            (start, Some(len)) if len > 0 => Some(format!("bytes={start}-{}", start + len - 1)),
            // Nothing asked for: what the object is, and no bytes.
            (_, Some(_)) => return Ok(GetResult { info: self.version(container, key, options).await?, body: empty() }),
        };
        let out = match self
            .get_version(container, key, range, options.if_match.as_deref(), options.version_id.as_deref())
            .send()
            .await
        {
            Ok(out) => out,
            // The range starts at or past the end: no bytes left to read.
            Err(e) if e.raw_response().is_some_and(|r| r.status().as_u16() == 416) => {
                return Ok(GetResult { info: self.version(container, key, options).await?, body: empty() });
            }
            Err(e) => return Err(not_found_as_no_object(map_err(e, &what, &self.target), container, key)),
        };
        let mut info = object_info!(key, out);
        // A ranged answer's length is the range's; the object's is after the slash.
        if let Some(total) = out.content_range().and_then(|r| r.rsplit_once('/')).and_then(|(_, t)| t.parse().ok()) {
            info.size = total;
        }
        let watch = BodyWatch::current();
        let body = futures::stream::unfold((Some(out.body), 0), move |(body, read)| {
            let watch = watch.clone();
            async move {
                let mut body = body?;
                match body.try_next().await {
                    Ok(Some(chunk)) => {
                        let read = read + chunk.len() as u64;
                        watch.moved(read);
                        Some((Ok(chunk), (Some(body), read)))
                    }
                    Ok(None) => None,
                    // The last item: the stream ends after an error.
                    Err(e) => Some((
                        Err(StoreError::new(ErrorKind::Network, format!("the connection broke ({e})")).with_source(e)),
                        (None, read),
                    )),
                }
            }
        });
        Ok(GetResult { info, body: body.boxed() })
    }

    async fn put(&self, container: &str, key: &str, body: Bytes, options: &PutOptions) -> Result<PutResult> {
        check_key(key)?;
        let checksum = self.checksum(&body);
        let len = i64::try_from(body.len()).unwrap_or(i64::MAX);
        let (body, _) = sent_body(body.into());
        let request = self
            .client(container)
            .put_object()
            .bucket(container)
            .key(key)
            .content_length(len)
            .body(body)
            .set_content_type(options.content_type.clone())
            .set_metadata(Some(options.metadata.clone().into_iter().collect()))
            .set_storage_class(options.storage_class.as_deref().map(StorageClass::from));
        // The body goes as it is sent, so it is not hashed into the
        // signature first: transfers compare the ETag with the MD5 instead.
        let out = with_checksum!(request, checksum)
            .customize()
            .disable_payload_signing()
            .send()
            .await
            .map_err(|e| map_err(e, &format!("Uploading \"{container}/{key}\""), &self.target))?;
        Ok(PutResult { etag: unquote(out.e_tag()) })
    }

    async fn copy(&self, container: &str, from: &str, to: &str) -> Result<PutResult> {
        check_key(to)?;
        let size = self.head(container, from).await?.size;
        let source = copy_source(container, from);
        let what = format!("Copying \"{container}/{from}\" to \"{to}\"");
        if size <= MAX_SINGLE_COPY {
            let out = self
                .client(container)
                .copy_object()
                .bucket(container)
                .key(to)
                .copy_source(&source)
                .send()
                .await
                .map_err(|e| map_err(e, &what, &self.target))?;
            return Ok(PutResult { etag: unquote(out.copy_object_result().and_then(|r| r.e_tag())) });
        }
        // Above 5 GiB S3 copies only in parts, each a byte range of the source.
        let upload_id = self.create_multipart(container, to, &PutOptions::default()).await?;
        let part_size = MAX_SINGLE_COPY.max(size.div_ceil(10_000));
        let mut parts = Vec::new();
        for (index, offset) in (0..size).step_by(usize::try_from(part_size).unwrap_or(usize::MAX)).enumerate() {
            let end = (offset + part_size).min(size) - 1;
            let number = i32::try_from(index + 1).unwrap_or(i32::MAX);
            let copied = self
                .client(container)
                .upload_part_copy()
                .bucket(container)
                .key(to)
                .upload_id(&upload_id)
                .part_number(number)
                .copy_source(&source)
                .copy_source_range(format!("bytes={offset}-{end}"))
                .send()
                .await
                .map_err(|e| map_err(e, &what, &self.target));
            match copied {
                Ok(out) => parts.push(PartInfo {
                    number: u32::try_from(number).unwrap_or(0),
                    etag: unquote(out.copy_part_result().and_then(|r| r.e_tag())).unwrap_or_default(),
                    size: end + 1 - offset,
                }),
                Err(e) => {
                    let _ = self.abort_multipart(container, to, &upload_id).await;
                    return Err(e);
                }
            }
        }
        self.complete_multipart(container, to, &upload_id, &parts).await
    }

    async fn delete(&self, container: &str, key: &str) -> Result<()> {
        check_key(key)?;
        self.client(container)
            .delete_object()
            .bucket(container)
            .key(key)
            .send()
            .await
            .map_err(|e| map_err(e, &format!("Deleting \"{container}/{key}\""), &self.target))?;
        Ok(())
    }

    async fn delete_many(&self, container: &str, keys: &[String]) -> Result<Vec<DeleteFailure>> {
        let mut failed = Vec::new();
        for batch in keys.chunks(crate::DELETE_BATCH) {
            let what = format!("Deleting {} objects in \"{container}\"", batch.len());
            let mut objects = Vec::with_capacity(batch.len());
            for key in batch {
                check_key(key)?;
                objects.push(
                    ObjectIdentifier::builder()
                        .key(key)
                        .build()
                        .map_err(|e| StoreError::invalid_input(e.to_string()))?,
                );
            }
            let delete = Delete::builder()
                .set_objects(Some(objects))
                .quiet(true)
                .build()
                .map_err(|e| StoreError::invalid_input(e.to_string()))?;
            let out = self
                .client(container)
                .delete_objects()
                .bucket(container)
                .delete(delete)
                .customize()
                .mutate_request(content_md5)
                .send()
                .await
                .map_err(|e| map_err(e, &what, &self.target))?;
            for error in out.errors() {
                let key = error.key().unwrap_or_default().to_owned();
                let code = error.code().unwrap_or("Unknown");
                let message = format!(
                    "Deleting \"{container}/{key}\" was refused: {} ({code}).",
                    error.message().unwrap_or("no reason given")
                );
                let kind = kind_of_code(code).unwrap_or(ErrorKind::Protocol);
                failed.push(DeleteFailure { key, error: StoreError::new(kind, message) });
            }
        }
        Ok(failed)
    }

    fn multipart(&self) -> Option<&dyn MultipartStore> {
        Some(self)
    }

    fn versions(&self) -> Option<&dyn VersionStore> {
        Some(self)
    }

    fn share_links(&self) -> Option<&dyn ShareLinks> {
        Some(self)
    }
}

#[async_trait]
impl MultipartStore for S3Store {
    async fn create_multipart(&self, container: &str, key: &str, options: &PutOptions) -> Result<String> {
        check_key(key)?;
        let out = self
            .client(container)
            .create_multipart_upload()
            .bucket(container)
            .key(key)
            .set_content_type(options.content_type.clone())
            .set_metadata(Some(options.metadata.clone().into_iter().collect()))
            .set_storage_class(options.storage_class.as_deref().map(StorageClass::from))
            .send()
            .await
            .map_err(|e| map_err(e, &format!("Starting the upload of \"{container}/{key}\""), &self.target))?;
        out.upload_id().map(str::to_owned).ok_or_else(|| {
            StoreError::new(ErrorKind::Protocol, "The service started a multipart upload without an id.")
        })
    }

    async fn upload_part(
        &self,
        container: &str,
        key: &str,
        upload_id: &str,
        number: u32,
        body: PartBody,
    ) -> Result<PartInfo> {
        check_part_number(number)?;
        // A checksum header goes before the body: the profile that asks for
        // one reads the part into memory first.
        let (body, checksum) = match self.checksum {
            Some(_) => {
                let whole = body.collect().await?;
                let checksum = self.checksum(&whole);
                (PartBody::from(whole), checksum)
            }
            None => (body, None),
        };
        let len = body.len();
        let (body, unreadable) = sent_body(body);
        let request = self
            .client(container)
            .upload_part()
            .bucket(container)
            .key(key)
            .upload_id(upload_id)
            .part_number(i32::try_from(number).unwrap_or(i32::MAX))
            .content_length(i64::try_from(len).unwrap_or(i64::MAX))
            .body(body);
        // No SHA-256 of the body in the signature (it cost a fifth of a big
        // upload's speed here): every caller compares the returned ETag with
        // the part's MD5, so a part that arrived altered is never completed.
        let out =
            with_checksum!(request, checksum).customize().disable_payload_signing().send().await.map_err(|e| {
                unreadable.take().unwrap_or_else(|| {
                    map_err(e, &format!("Uploading part {number} of \"{container}/{key}\""), &self.target)
                })
            })?;
        let etag = unquote(out.e_tag())
            .ok_or_else(|| StoreError::new(ErrorKind::Protocol, "The service accepted a part without an ETag."))?;
        Ok(PartInfo { number, etag, size: len })
    }

    async fn complete_multipart(
        &self,
        container: &str,
        key: &str,
        upload_id: &str,
        parts: &[PartInfo],
    ) -> Result<PutResult> {
        let completed = parts
            .iter()
            .map(|p| {
                CompletedPart::builder()
                    .part_number(i32::try_from(p.number).unwrap_or(i32::MAX))
                    .e_tag(format!("\"{}\"", p.etag))
                    .build()
            })
            .collect();
        let out = self
            .client(container)
            .complete_multipart_upload()
            .bucket(container)
            .key(key)
            .upload_id(upload_id)
            .multipart_upload(CompletedMultipartUpload::builder().set_parts(Some(completed)).build())
            .send()
            .await
            .map_err(|e| map_err(e, &format!("Completing the upload of \"{container}/{key}\""), &self.target))?;
        Ok(PutResult { etag: unquote(out.e_tag()) })
    }

    async fn abort_multipart(&self, container: &str, key: &str, upload_id: &str) -> Result<()> {
        self.client(container)
            .abort_multipart_upload()
            .bucket(container)
            .key(key)
            .upload_id(upload_id)
            .send()
            .await
            .map_err(|e| map_err(e, &format!("Aborting the upload of \"{container}/{key}\""), &self.target))?;
        Ok(())
    }

    async fn list_parts(&self, container: &str, key: &str, upload_id: &str) -> Result<Vec<PartInfo>> {
        let mut parts = Vec::new();
        let mut marker = None;
        loop {
            let out = self
                .client(container)
                .list_parts()
                .bucket(container)
                .key(key)
                .upload_id(upload_id)
                .set_part_number_marker(marker)
                .send()
                .await
                .map_err(|e| map_err(e, &format!("Listing the parts of \"{container}/{key}\""), &self.target))?;
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
}

#[async_trait]
impl VersionStore for S3Store {
    async fn versioning(&self, container: &str) -> Result<Versioning> {
        let status = match self.client(container).get_bucket_versioning().bucket(container).send().await {
            Ok(out) => out.status().map(|s| s.as_str().to_owned()),
            // moto names the answer's root element GetBucketVersioningResponse,
            // which the SDK refuses; its Status element is S3's.
            Err(e) if e.raw_response().is_some_and(|r| r.status().is_success()) => {
                let body = e.raw_response().and_then(|r| r.body().bytes()).unwrap_or_default();
                let body = String::from_utf8_lossy(body);
                body.split_once("<Status>")
                    .and_then(|(_, rest)| rest.split_once("</Status>"))
                    .map(|(s, _)| s.to_owned())
            }
            Err(e) => return Err(map_err(e, &format!("Reading the versioning of \"{container}\""), &self.target)),
        };
        Ok(match status.as_deref() {
            Some("Enabled") => Versioning::Enabled,
            Some("Suspended") => Versioning::Suspended,
            _ => Versioning::Off,
        })
    }

    async fn set_versioning(&self, container: &str, enabled: bool) -> Result<()> {
        let status = if enabled { BucketVersioningStatus::Enabled } else { BucketVersioningStatus::Suspended };
        self.client(container)
            .put_bucket_versioning()
            .bucket(container)
            .versioning_configuration(VersioningConfiguration::builder().status(status).build())
            .send()
            .await
            .map_err(|e| map_err(e, &format!("Changing the versioning of \"{container}\""), &self.target))?;
        Ok(())
    }

    async fn list_versions(&self, container: &str, options: &ListOptions) -> Result<VersionPage> {
        let (key_marker, version_id_marker) = match options.continuation.as_deref().and_then(|c| c.split_once('\n')) {
            Some((key, version)) => (Some(key.to_owned()), Some(version.to_owned()).filter(|v| !v.is_empty())),
            None => (None, None),
        };
        let out = self
            .client(container)
            .list_object_versions()
            .bucket(container)
            .prefix(&options.prefix)
            .set_delimiter(options.delimiter.clone())
            .set_key_marker(key_marker)
            .set_version_id_marker(version_id_marker)
            .max_keys(i32::try_from(options.page_size()).unwrap_or(1000))
            .send()
            .await
            .map_err(|e| {
                map_err(e, &format!("Listing the versions in \"{container}/{}\"", options.prefix), &self.target)
            })?;
        let mut versions: Vec<VersionInfo> = out
            .versions()
            .iter()
            .map(|v| VersionInfo {
                key: v.key().unwrap_or_default().to_owned(),
                version_id: v.version_id().unwrap_or("null").to_owned(),
                latest: v.is_latest() == Some(true),
                delete_marker: false,
                size: v.size().and_then(|s| u64::try_from(s).ok()).unwrap_or(0),
                modified_ms: millis(v.last_modified()),
                etag: unquote(v.e_tag()),
                storage_class: v.storage_class().map(|c| c.as_str().to_owned()),
            })
            .chain(out.delete_markers().iter().map(|m| VersionInfo {
                key: m.key().unwrap_or_default().to_owned(),
                version_id: m.version_id().unwrap_or("null").to_owned(),
                latest: m.is_latest() == Some(true),
                delete_marker: true,
                size: 0,
                modified_ms: millis(m.last_modified()),
                etag: None,
                storage_class: None,
            }))
            .collect();
        // S3 sends versions and markers in two lists: one order, keys
        // ascending and each key's newest first.
        versions
            .sort_by(|a, b| a.key.cmp(&b.key).then(b.modified_ms.cmp(&a.modified_ms)).then(b.latest.cmp(&a.latest)));
        let prefixes = out.common_prefixes().iter().filter_map(|p| p.prefix().map(str::to_owned)).collect();
        let next = if out.is_truncated() == Some(true) {
            version_marker(out.next_key_marker(), out.next_version_id_marker())
        } else {
            None
        };
        Ok(VersionPage { versions, prefixes, next })
    }

    async fn delete_version(&self, container: &str, key: &str, version_id: &str) -> Result<()> {
        check_key(key)?;
        self.client(container)
            .delete_object()
            .bucket(container)
            .key(key)
            .version_id(version_id)
            .send()
            .await
            .map_err(|e| map_err(e, &format!("Deleting a version of \"{container}/{key}\""), &self.target))?;
        Ok(())
    }

    async fn restore_version(&self, container: &str, key: &str, version_id: &str) -> Result<PutResult> {
        check_key(key)?;
        let source = format!("{}?versionId={}", copy_source(container, key), crate::percent_encoded(version_id));
        let out = self
            .client(container)
            .copy_object()
            .bucket(container)
            .key(key)
            .copy_source(source)
            .send()
            .await
            .map_err(|e| map_err(e, &format!("Restoring a version of \"{container}/{key}\""), &self.target))?;
        Ok(PutResult { etag: unquote(out.copy_object_result().and_then(|r| r.e_tag())) })
    }
}

#[async_trait]
impl ShareLinks for S3Store {
    async fn share_link(&self, container: &str, key: &str, expires_in: Duration) -> Result<ShareLink> {
        check_key(key)?;
        if expires_in.is_zero() || expires_in > MAX_LINK_LIFETIME {
            return Err(StoreError::invalid_input("A share link lives from a second to 7 days, the most S3 allows."));
        }
        let config = aws_sdk_s3::presigning::PresigningConfig::expires_in(expires_in)
            .map_err(|e| StoreError::invalid_input(format!("That lifetime cannot be signed: {e}")))?;
        let signed = self
            .client(container)
            .get_object()
            .bucket(container)
            .key(key)
            .presigned(config)
            .await
            .map_err(|e| map_err(e, &format!("Signing a link to \"{container}/{key}\""), &self.target))?;
        let expires_ms = crate::now_ms() + i64::try_from(expires_in.as_millis()).unwrap_or(i64::MAX);
        Ok(ShareLink { url: signed.uri().to_owned(), expires_ms: Some(expires_ms) })
    }
}

/// No bytes: the body of an empty range.
fn empty() -> crate::ByteStream {
    futures::stream::empty().boxed()
}

/// DeleteObjects must carry a checksum of its body. The SDK adds its own
/// (CRC32); S3-compatible servers that predate those headers want
/// Content-MD5, the one S3 always accepted for this call, so it goes too.
fn content_md5(request: &mut aws_smithy_runtime_api::http::Request) {
    use md5::{Digest, Md5};
    if let Some(body) = request.body().bytes() {
        let digest = aws_smithy_types::base64::encode(Md5::digest(body));
        request.headers_mut().insert("content-md5", digest);
    }
}

/// The largest object S3 copies in one request.
const MAX_SINGLE_COPY: u64 = 5 * 1024 * 1024 * 1024;

/// Bytes of a body handed to the connection at a time.
const CHUNK: usize = 64 * 1024;

/// The body of a put or part, in chunks through the call's [`BodyWatch`]:
/// each takes its turn from the bandwidth limits and, once the connection
/// takes it, tells the watch how far the body got. A part that cannot be
/// read breaks the request; the read's own error is left in the slot
/// returned beside the body, to be told instead of the broken request's.
fn sent_body(body: PartBody) -> (ByteStream, Unreadable) {
    use aws_smithy_types::body::SdkBody;
    let watch = BodyWatch::take();
    let unreadable = Unreadable::default();
    let slot = unreadable.clone();
    // Built again from the first byte each time the request is sent.
    let chunks = move || {
        let start = (body.chunks(), Bytes::new(), 0u64, watch.clone(), slot.clone());
        let stream = futures::stream::unfold(start, |(mut read, mut rest, sent, watch, slot)| async move {
            if sent > 0 {
                // Asked for the next chunk: the connection took the last one.
                watch.moved(sent);
            }
            if rest.is_empty() {
                match read.next().await {
                    Some(Ok(chunk)) => rest = chunk,
                    Some(Err(e)) => {
                        let broken = std::io::Error::other(e.to_string());
                        slot.put(e);
                        return Some((Err(broken), (read, rest, sent, watch, slot)));
                    }
                    None => return None,
                }
            }
            let chunk = rest.split_to(rest.len().min(CHUNK));
            watch.pace(chunk.len() as u64).await;
            let sent = sent + chunk.len() as u64;
            Some((Ok(http_body::Frame::data(chunk)), (read, rest, sent, watch, slot)))
        });
        SdkBody::from_body_1_x(http_body_util::StreamBody::new(sync_wrapper::SyncStream::new(stream)))
    };
    (ByteStream::new(SdkBody::retryable(chunks)), unreadable)
}

/// Why a body could not be read, once it broke its request.
#[derive(Clone, Default)]
struct Unreadable(Arc<Mutex<Option<StoreError>>>);

impl Unreadable {
    fn put(&self, e: StoreError) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(e);
    }

    fn take(&self) -> Option<StoreError> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

/// `key\nversion`: where a version listing continues (S3 needs both markers).
fn version_marker(key: Option<&str>, version: Option<&str>) -> Option<String> {
    key.map(|key| format!("{key}\n{}", version.unwrap_or_default()))
}

/// `x-amz-copy-source`: `bucket/key`, percent-encoded except for `/`.
fn copy_source(container: &str, key: &str) -> String {
    crate::percent_encoded(&format!("{container}/{key}"))
}
