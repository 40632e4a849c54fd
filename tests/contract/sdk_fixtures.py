#!/usr/bin/env python3
"""Writes the AI Training fixtures the Rust client decodes
(crates/jobs/tests/fixtures/sdk/*.json), each built with OVHcloud's own SDK
models (`ovhai` 0.1a4 on PyPI) and serialized by their `to_dict`, so the
JSON is what the SDK, generated from the API's OpenAPI file, says the API
sends. Each file holds {"model", "note", "json"}; the note says where the
SDK and OVHcloud's prose documentation disagree.

    sdk_fixtures.py DIR     write the fixtures into DIR

scripts/test writes them into a temp dir and fails when they differ from the
checked-in ones.
"""
import json
import pathlib
import sys
from datetime import datetime, timezone

from ovhai.models import (
    DataStoreVolumeSource, DataSync, DataSyncProgress, DataSyncSpec, DataSyncSpecDirection, DataSyncStatus, Env,
    Flavor, GpuInformation, Info, InfoArguments, Job, JobList, JobSpec, JobSpecLabelsType0, JobStateHistory,
    JobImage, JobStatus, Links, Metadata, Notebook, NotebookEnv, NotebookFramework, NotebookEditor, NotebookSpec,
    NotebookStatus, NotebookWorkspace, PrivateSwiftVolumeSource, ProjectQuotas, ProjectQuotasResources,
    PublicGitVolumeSource, Resources, ResourcesPerUnit, StandaloneVolumeSource, Volume, VolumeStatus,
)


def at(text):
    """A timestamp as the API writes them: 0 to 6 fractional digits."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def info(code, message, **arguments):
    args = InfoArguments()
    args.additional_properties.update(arguments)
    return Info(code=code, message=message, arguments=args)


DATASET = Volume(
    mount_path="/workspace/data", permission="RO", cache=True,
    data_store=DataStoreVolumeSource(alias="S3GRA", container="datasets", prefix="imagenet/train/"),
)
OUTPUT = Volume(
    mount_path="/workspace/out", permission="RW", cache=False,
    data_store=DataStoreVolumeSource(alias="S3GRA", container="runs", prefix="42/"),
)
DATASET_STATUS = VolumeStatus(id="vol-data", mount_path="/workspace/data", user_volume_id="uv-1",
                              last_pulled_created_at=at("2026-11-27T09:01:12.5Z"), last_pushed_created_at=None)
OUTPUT_STATUS = VolumeStatus(id="vol-out", mount_path="/workspace/out", user_volume_id="uv-2",
                             last_pulled_created_at=at("2026-11-27T09:01:13Z"),
                             last_pushed_created_at=at("2026-11-27T10:15:02.297780Z"))


def progress(pid, direction, state, volume, status, total, failed=0, reason=None):
    return DataSyncProgress(
        id=pid, direction=direction, state=state, info=f"{volume.data_store.container}@{volume.data_store.alias}",
        total=total, processed=total, completed=total - failed, skipped=0, deleted=0, failed=failed,
        transferred_bytes=total * 1_048_576, job_volume=volume, volume_status=status,
        created_at=at("2026-11-27T09:00:40.1Z"), updated_at=at("2026-11-27T09:01:12.123456Z"),
        **({"reason": reason} if reason else {}),
    )


PULL = DataSync(
    id="ds-pull", created_at=at("2026-11-27T09:00:40Z"), updated_at=at("2026-11-27T09:01:13.04Z"),
    spec=DataSyncSpec(direction=DataSyncSpecDirection.PULL, manual=False, job_id="job-1"),
    status=DataSyncStatus(
        state="DONE", queued_at=at("2026-11-27T09:00:40Z"), started_at=at("2026-11-27T09:00:41.5Z"),
        ended_at=at("2026-11-27T09:01:13.04Z"), info=info("DATASYNC_DONE", "Data synchronization done"),
        progress=[progress("p1", "pull", "DONE", DATASET, DATASET_STATUS, 1200),
                  progress("p2", "pull", "DONE", OUTPUT, OUTPUT_STATUS, 0)],
    ),
)
PUSH_FAILED = DataSync(
    id="ds-push", created_at=at("2026-11-27T10:14:00Z"), updated_at=at("2026-11-27T10:15:02.297780Z"),
    spec=DataSyncSpec(direction=DataSyncSpecDirection.PUSH, manual=True, volume="vol-out", job_id="job-1"),
    status=DataSyncStatus(
        state="FAILED", queued_at=at("2026-11-27T10:14:00Z"), started_at=at("2026-11-27T10:14:01Z"),
        ended_at=at("2026-11-27T10:15:02.297780Z"),
        info=info("DATASYNC_FAILED", "Data synchronization failed for 1 volume(s)", volumes="1"),
        progress=[progress("p3", "push", "FAILED", OUTPUT, OUTPUT_STATUS, 3, failed=1,
                           reason=info("OBJECT_UPLOAD_FAILED", "epoch-3.pt: 503 Slow Down", file="epoch-3.pt"))],
    ),
)

labels = JobSpecLabelsType0()
labels.additional_properties.update({"team": "vision", "run": "42"})

JOB_DONE = Job(
    id="job-1", user="user-abc", created_at=at("2026-11-27T09:00:39.999999Z"), updated_at=at("2026-11-27T10:20:00Z"),
    spec=JobSpec(
        image="ovhcom/ai-training-pytorch:2.4", name="resnet-42", command=["python", "train.py", "--epochs", "3"],
        env_vars=[Env(name="EPOCHS", value="3")], labels=labels,
        resources=Resources(flavor="l40s-1-gpu", gpu=2, cpu=30, memory=193273528320, gpu_brand="NVIDIA",
                            gpu_model="L40S", gpu_memory=48318382080, ephemeral_storage=858993459200,
                            private_network=0, public_network=1500000000),
        volumes=[DATASET, OUTPUT], ssh_public_keys=[], timeout=86400, default_http_port=8080, unsecure_http=False,
    ),
    status=JobStatus(
        state="DONE", info=info("JOB_DONE", "Job is done"), url="https://job-1.job.gra.ai.cloud.ovh.net",
        info_url="https://ui.gra.ai.cloud.ovh.net/job/job-1", monitoring_url=None, ssh_url=None,
        duration=4421, exit_code=0,
        history=[JobStateHistory(state=s, date=at(d)) for s, d in [
            ("QUEUED", "2026-11-27T09:00:40Z"), ("INITIALIZING", "2026-11-27T09:00:41.5Z"),
            ("PENDING", "2026-11-27T09:01:13.04Z"), ("RUNNING", "2026-11-27T09:01:20.297780Z"),
            ("FINALIZING", "2026-11-27T10:14:00Z"), ("DONE", "2026-11-27T10:20:00Z")]],
        queued_at=at("2026-11-27T09:00:40Z"), initializing_at=at("2026-11-27T09:00:41.5Z"),
        started_at=at("2026-11-27T09:01:20.297780Z"), stopped_at=at("2026-11-27T10:14:00Z"),
        finalized_at=at("2026-11-27T10:20:00Z"), timeout_at=None,
        volumes=[DATASET_STATUS, OUTPUT_STATUS], data_sync=[PULL, PUSH_FAILED],
    ),
)

JOB_NULLS = Job(
    id="job-2", created_at=at("2026-11-27T11:00:00Z"),
    spec=JobSpec(image="ubuntu", command=None, env_vars=None, volumes=None, labels=None, ssh_public_keys=None, name=None,
                 resources=Resources(gpu=1)),
    status=JobStatus(state="QUEUED", history=[], volumes=[], data_sync=[], queued_at=at("2026-11-27T11:00:00Z")),
)

JOB_TIMEOUT = Job(
    id="job-3",
    spec=JobSpec(image="ovhcom/ai-training-pytorch", volumes=[OUTPUT]),
    status=JobStatus(state="TIMEOUT", info=info("JOB_TIMEOUT", "Job timeout reached, it will be interrupted"),
                     timeout_at=at("2026-11-28T09:00:00Z"), volumes=[OUTPUT_STATUS], data_sync=[]),
)

NOTEBOOK = Notebook(
    id="nb-1", user="user-abc", created_at=at("2026-11-27T08:00:00.1Z"), updated_at=at("2026-11-27T08:02:00Z"),
    spec=NotebookSpec(
        name="explore", env=NotebookEnv(editor_id="jupyterlab", framework_id="pytorch", framework_version="2.4"),
        resources=Resources(flavor="ai1-1-cpu", cpu=4), env_vars=None, labels=None, ssh_public_keys=None,
        volumes=[DATASET, Volume(mount_path="/workspace/examples", permission="RW",
                                 public_git=PublicGitVolumeSource(url="https://github.com/ovh/ai-training-examples.git"))],
        unsecure_http=False,
    ),
    status=NotebookStatus(
        state="RUNNING", url="https://nb-1.notebook.gra.ai.cloud.ovh.net", duration=118,
        info=info("NOTEBOOK_RUNNING", "Notebook is running"),
        last_started_at=at("2026-11-27T08:01:02.5Z"), last_stopped_at=None,
        volumes=[DATASET_STATUS], data_sync=[PULL],
    ),
)

DATASYNC_ANSWER = DataSync(
    id="ds-new", created_at=at("2026-11-27T10:00:00.000001Z"), updated_at=at("2026-11-27T10:00:00.000001Z"),
    spec=DataSyncSpec(direction=DataSyncSpecDirection.PUSH, manual=True, job_id="job-1"),
    status=DataSyncStatus(state="QUEUED", queued_at=at("2026-11-27T10:00:00.000001Z"), progress=[]),
)

PAGE = JobList(items=[JOB_DONE, JOB_NULLS], metadata=Metadata(current_page=1, page_count=2, total=3,
                                                          links=Links(next_="/v1/job?page=2&size=2")))

FLAVORS = [
    Flavor(id="l40s-1-gpu", type="gpu", description="NVIDIA L40S", default=False, max_=4,
           gpu_information=GpuInformation(gpu_brand="NVIDIA", gpu_model="L40S", gpu_memory=48318382080),
           resources_per_unit=ResourcesPerUnit(cpu=15, memory=96636764160, ephemeral_storage=429496729600)),
    Flavor(id="ai1-1-cpu", type="cpu", description="Intel CPU", default=True, max_=12,
           resources_per_unit=ResourcesPerUnit(cpu=1, memory=4294967296)),
]

EDITORS = [NotebookEditor(id="jupyterlab", name="JupyterLab", description="JupyterLab", versions=["4"])]
FRAMEWORKS = [NotebookFramework(id="pytorch", name="PyTorch", description="PyTorch", versions=["2.4", "2.3"])]

ODD_VOLUMES = Job(
    id="7c1d0a42-0000-4000-8000-00000000000e", created_at=at("2026-11-27T09:00:00Z"),
    updated_at=at("2026-11-27T09:05:00Z"), user="user-1",
    spec=JobSpec(image="busybox", volumes=[
        Volume(mount_path="/workspace/legacy", permission="R",
               private_swift=PrivateSwiftVolumeSource(container="old-data", region="GRA", prefix="2019/")),
        Volume(mount_path="/workspace/scratch", permission="RW", standalone=StandaloneVolumeSource()),
    ]),
    status=JobStatus(state="RUNNING", ip="10.42.0.7", external_ip="51.68.0.1",
                     last_transition_date=at("2026-11-27T09:04:59.5Z")),
)
ODD_PAGE = JobList(items=[ODD_VOLUMES, Job(id="7c1d0a42-0000-4000-8000-00000000000f")],
                   metadata=Metadata(current_page=1, page_count=1, total=2))
NOTEBOOK_WORKSPACE = Notebook(
    id="5b2e7d10-0000-4000-8000-000000000002", spec=NotebookSpec(env=NotebookEnv(editor_id="vscode")),
    status=NotebookStatus(state="RUNNING", workspace=NotebookWorkspace(storage_used=3145728, storage_free=10734272512),
                          last_job_status=JobStatus(state="FAILED", exit_code=137)),
)
_quota_resources = ProjectQuotasResources()
_quota_resources.additional_properties.update({"CPU": 12, "GPU": 4})
QUOTA = ProjectQuotas(resources=_quota_resources, storage=80000000000)
JOB_IMAGES = [JobImage(id="ovhcom/ai-training-pytorch", name="PyTorch", description="PyTorch with CUDA",
                       doc_url="https://help.ovhcloud.com", logo_url="https://example.invalid/pytorch.svg",
                       versions=["2.4.0"])]

FIXTURES = {
    "job-done-two-volumes": ("Job", JOB_DONE.to_dict(),
        "A finished job with a read-only dataset and a read-write output, a pull and a failed manual push. "
        "status.dataSync[].status.info and progress[].reason are Info objects {code, message, arguments}; "
        "progress[].info is a string (container@ALIAS). The prose docs show info as a string throughout. "
        "Volumes put dataStore at the top level: the Control Panel's API nests it under volumeSource, the "
        "regional API (this SDK) does not."),
    "job-null-lists": ("Job", JOB_NULLS.to_dict(),
        "The SDK declares command, envVars, volumes, labels and sshPublicKeys as List | None: the API may "
        "send null for each."),
    "job-timeout": ("Job", JOB_TIMEOUT.to_dict(),
        "TIMEOUT: the job still runs and is about to be interrupted (docs); not an end state."),
    "job-list-page": ("JobList", PAGE.to_dict(),
        "GET /v1/job answers a page {items, metadata {currentPage, pageCount, total, links}}, not an array. "
        "Whether pages count from 0 or 1 is not said; the client reads it from the first page's currentPage."),
    "notebook-running": ("Notebook", NOTEBOOK.to_dict(),
        "A notebook's spec has env {editorId, frameworkId, frameworkVersion} and no image; its status has "
        "lastStartedAt and lastStoppedAt instead of startedAt and stoppedAt."),
    "datasync-answer": ("DataSync", DATASYNC_ANSWER.to_dict(),
        "POST /v1/job/{id}/datasync answers the new DataSync, not the job."),
    "flavors": ("List[Flavor]", [f.to_dict() for f in FLAVORS],
        "GET /v1/capabilities/flavor: `type` is gpu or cpu, the unit a spec's resources count."),
    "notebook-editors": ("List[NotebookEditor]", [e.to_dict() for e in EDITORS],
        "GET /v1/capabilities/notebook/editor."),
    "notebook-frameworks": ("List[NotebookFramework]", [f.to_dict() for f in FRAMEWORKS],
        "GET /v1/capabilities/notebook/framework: frameworkVersion in a notebook spec is one of versions."),
    "job-list-odd-volumes": ("JobList", ODD_PAGE.to_dict(),
        "Volume.permission is a free string (the SDK's docstring says 'R for read-only', the prose docs RO); a "
        "volume's source may be privateSwift {container, region, prefix} or standalone {} (free-form). The second "
        "job has nothing but its id: every field of the SDK's Job is optional. The running job has ip, externalIp "
        "and lastTransitionDate."),
    "notebook-workspace": ("Notebook", NOTEBOOK_WORKSPACE.to_dict(),
        "A notebook's status has workspace {storageUsed, storageFree} (bytes) and lastJobStatus, a whole JobStatus."),
    "quota": ("List[ProjectQuotas]", [QUOTA.to_dict()],
        "GET /v1/capabilities/quota answers a list of ProjectQuotas, not one: resources is a free-form map of unit "
        "kind to count (CPU, GPU); storage is in bits, the SDK says."),
    "job-images": ("List[JobImage]", [i.to_dict() for i in JOB_IMAGES],
        "GET /v1/capabilities/job/image: the id is what a JobSpec's image takes."),
}


def main():
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for name, (model, body, note) in FIXTURES.items():
        text = json.dumps({"model": model, "note": note, "json": body}, indent=2, sort_keys=True) + "\n"
        (out / f"{name}.json").write_text(text)


if __name__ == "__main__":
    main()
