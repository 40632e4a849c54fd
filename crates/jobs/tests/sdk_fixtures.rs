//! The client's model decodes what OVHcloud's SDK says the AI Training API
//! sends: the fixtures are written by the SDK models' own `to_dict`
//! (tests/contract/sdk_fixtures.py; scripts/test regenerates them and fails
//! when they drift), each with a note on where the SDK and the prose
//! documentation disagree.

use stowage_jobs::api::ApiPermission;
use stowage_jobs::training::model::{DataSync, Job, Page, State};
use stowage_jobs::training::{Flavor, NotebookOption, Quota};
use stowage_jobs::{Source, Volume};

fn fixture<T: serde::de::DeserializeOwned>(name: &str) -> T {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/sdk/{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let file: serde_json::Value = serde_json::from_str(&text).expect("fixture JSON");
    serde_json::from_value(file["json"].clone()).unwrap_or_else(|e| panic!("{name} does not decode: {e}"))
}

#[test]
fn a_finished_job_with_info_objects_in_its_data_syncs() {
    let job: Job = fixture("job-done-two-volumes");
    assert_eq!(job.status.state, State::Done);
    assert_eq!((job.spec.resources.private_network, job.spec.resources.public_network), (Some(0), Some(1_500_000_000)));
    assert_eq!(job.spec.image.as_deref(), Some("ovhcom/ai-training-pytorch:2.4"));
    assert_eq!(job.spec.resources.flavor.as_deref(), Some("l40s-1-gpu"));
    assert_eq!(job.spec.resources.gpu_model.as_deref(), Some("L40S"));
    assert_eq!(job.spec.labels.get("team"), Some(&Some("vision".to_owned())));
    assert_eq!(job.spec.volumes.len(), 2);
    assert_eq!(job.status.history.len(), 6);
    assert_eq!(job.status.history[3].state, State::Running);
    assert_eq!(job.status.duration, Some(4421));
    assert_eq!(job.status.exit_code, Some(0));
    assert_eq!(job.status.started_at.as_deref(), Some("2026-11-27T09:01:20.297780+00:00"));

    let push = &job.status.data_sync[1];
    let info = push.status.info.as_ref().expect("the sync's Info object");
    assert_eq!(info.code.as_deref(), Some("DATASYNC_FAILED"));
    assert_eq!(info.arguments.get("volumes"), Some(&Some("1".to_owned())));
    let progress = &push.status.progress[0];
    assert_eq!(progress.info.as_deref(), Some("runs@S3GRA"));
    assert_eq!(progress.reason.as_ref().and_then(|r| r.message.as_deref()), Some("epoch-3.pt: 503 Slow Down"));
    assert_eq!(progress.mount_path(), Some("/workspace/out"));
    assert_eq!((progress.total, progress.failed), (3, 1));
    assert_eq!(push.spec.as_ref().and_then(|s| s.volume.as_deref()), Some("vol-out"));
    assert_eq!(job.status.volumes[0].last_pushed_created_at, None, "null reads as none");
}

#[test]
fn null_lists_read_as_empty() {
    let job: Job = fixture("job-null-lists");
    assert!(job.spec.command.is_empty() && job.spec.env_vars.is_empty() && job.spec.volumes.is_empty());
    assert!(job.spec.labels.is_empty() && job.spec.ssh_public_keys.is_empty());
    assert_eq!(job.spec.name, None);
    assert_eq!(job.status.state, State::Queued);
}

#[test]
fn timeout_is_a_state_that_still_runs() {
    let job: Job = fixture("job-timeout");
    assert_eq!(job.status.state, State::Timeout);
    assert!(!job.status.state.is_final());
}

#[test]
fn a_list_is_a_page() {
    let page: Page<Job> = fixture("job-list-page");
    assert_eq!(page.items.len(), 2);
    assert_eq!(
        (page.metadata.current_page, page.metadata.page_count, page.metadata.total),
        (Some(1), Some(2), Some(3))
    );
}

#[test]
fn a_notebook_has_an_env_and_no_image() {
    let notebook: Job = fixture("notebook-running");
    assert_eq!(notebook.spec.image, None);
    let env = notebook.spec.env.as_ref().expect("env");
    assert_eq!(env.editor_id.as_deref(), Some("jupyterlab"));
    assert_eq!(env.framework_version.as_deref(), Some("2.4"));
    assert_eq!(notebook.status.state, State::Running);
    assert_eq!(notebook.status.last_started_at.as_deref(), Some("2026-11-27T08:01:02.500000+00:00"));
    assert_eq!(notebook.status.url.as_deref(), Some("https://nb-1.notebook.gra.ai.cloud.ovh.net"));
    assert!(notebook.spec.volumes[1].public_git.is_some());
}

#[test]
fn a_data_sync_request_answers_the_data_sync() {
    let sync: DataSync = fixture("datasync-answer");
    assert_eq!(sync.status.state, "QUEUED");
    assert!(sync.spec.as_ref().is_some_and(|s| s.manual));
}

#[test]
fn capabilities() {
    let flavors: Vec<Flavor> = fixture("flavors");
    assert!(flavors[0].is_gpu() && !flavors[1].is_gpu());
    assert_eq!(flavors[0].max, Some(4));
    assert_eq!(flavors[0].gpu_information.as_ref().and_then(|g| g.gpu_memory), Some(48_318_382_080));
    assert!(flavors[1].default);
    let editors: Vec<NotebookOption> = fixture("notebook-editors");
    let frameworks: Vec<NotebookOption> = fixture("notebook-frameworks");
    assert_eq!(editors[0].id, "jupyterlab");
    assert_eq!(frameworks[0].versions, ["2.4", "2.3"]);
}

#[test]
fn odd_volumes_and_a_bare_job_are_read_as_they_came() {
    let page: Page<serde_json::Value> = fixture("job-list-odd-volumes");
    let jobs: Vec<Job> = page.items.into_iter().map(Job::from_listed).collect();
    let odd = &jobs[0];
    assert_eq!(odd.unreadable, None);
    assert_eq!(odd.spec.volumes[0].permission, ApiPermission::Other("R".into()), "kept as the API wrote it");
    assert_eq!(odd.spec.volumes[1].standalone, Some(Default::default()));
    assert_eq!((odd.status.ip.as_deref(), odd.status.external_ip.as_deref()), (Some("10.42.0.7"), Some("51.68.0.1")));
    assert!(odd.status.last_transition_date.is_some());
    // Imported into the volume list: R is read-only, privateSwift is container@REGION as ovhai writes it.
    let imported: Vec<Volume> =
        odd.spec.volumes.iter().cloned().map(|v| Volume::try_from(v).expect("import")).collect();
    assert_eq!(imported[0].to_string(), "old-data@GRA/2019/:/workspace/legacy:ro");
    assert_eq!(imported[1].source, Source::Standalone);
    // A job with nothing but its id has no state: not QUEUED.
    assert_eq!(
        (jobs[1].id.as_str(), jobs[1].status.state.as_str()),
        ("7c1d0a42-0000-4000-8000-00000000000f", "UNKNOWN")
    );
}

#[test]
fn one_unreadable_job_keeps_its_place_and_the_rest_stand() {
    let page = serde_json::json!([{"id": "good-1"}, {"id": "odd-2", "spec": "not an object"}, {"id": "good-3"}]);
    let jobs: Vec<Job> = serde_json::from_value::<Vec<serde_json::Value>>(page)
        .expect("list")
        .into_iter()
        .map(Job::from_listed)
        .collect();
    assert_eq!(jobs.iter().map(|j| j.id.as_str()).collect::<Vec<_>>(), ["good-1", "odd-2", "good-3"]);
    assert!(jobs[1].unreadable.as_deref().is_some_and(|why| why.contains("cannot read")), "{:?}", jobs[1].unreadable);
    assert!(jobs[0].unreadable.is_none() && jobs[2].unreadable.is_none());
}

#[test]
fn a_notebook_s_workspace_and_last_run() {
    let notebook: Job = fixture("notebook-workspace");
    let workspace = notebook.status.workspace.expect("workspace");
    assert_eq!((workspace.storage_used, workspace.storage_free), (Some(3_145_728), Some(10_734_272_512)));
    let last = notebook.status.last_job_status.expect("last run");
    assert_eq!((last.state, last.exit_code), (State::Failed, Some(137)));
}

#[test]
fn quota_and_job_images() {
    let quotas: Vec<Quota> = fixture("quota");
    let quota = &quotas[0];
    assert_eq!((quota.limit("GPU"), quota.limit("cpu"), quota.storage), (Some(4), Some(12), Some(80_000_000_000)));
    let images: Vec<NotebookOption> = fixture("job-images");
    assert_eq!(images[0].id, "ovhcom/ai-training-pytorch");
}
