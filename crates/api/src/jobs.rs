//! AI Training jobs and notebooks: list (filtered), read, launch from the
//! form, stop, start and restart, delete, label, intermediate data syncs,
//! logs, what the platform offers and the project's quota, and a run's web
//! address, checked here so no front end opens anything else.

use std::sync::Arc;

use serde::Serialize;
use stowage_jobs::training::capabilities::units;
use stowage_jobs::training::launch::label_name;
use stowage_jobs::training::model::{DataSync, DataSyncDirection, Job, Workload};
use stowage_jobs::training::{job_spec, Flavor, JobSpec, LaunchForm, ListFilter, NotebookOption, Quota};

/// The states in which a run holds its units against the quota.
const ACTIVE: &[&str] =
    &["QUEUED", "INITIALIZING", "PENDING", "RUNNING", "STARTING", "RESTARTING", "INTERRUPTING", "FINALIZING"];

use crate::error::{Error, Result};
use crate::App;

/// What the launch form offers: flavors, notebook editors and frameworks.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct LaunchOptions {
    pub flavors: Vec<Flavor>,
    pub editors: Vec<NotebookOption>,
    pub frameworks: Vec<NotebookOption>,
    /// The images OVHcloud offers for jobs (empty where the API lists none).
    pub images: Vec<NotebookOption>,
}

/// The API's spec for the form: what a launch sends and a dry run shows.
pub fn spec_of(form: &LaunchForm) -> Result<JobSpec> {
    job_spec(form).map_err(|e| Error::invalid(e.0))
}

impl App {
    pub async fn list_jobs(self: &Arc<Self>, kind: Workload, filter: &ListFilter) -> Result<Vec<Job>> {
        Ok(self.training().await?.list(kind, filter).await?)
    }

    pub async fn job(self: &Arc<Self>, kind: Workload, id: &str) -> Result<Job> {
        Ok(self.training().await?.get(kind, id).await?)
    }

    /// Launches the form's job or notebook.
    pub async fn launch_job(self: &Arc<Self>, form: &LaunchForm) -> Result<Job> {
        let spec = spec_of(form)?;
        Ok(self.training().await?.create(form.kind, &spec).await?)
    }

    /// Stops a run; its read-write volumes are pushed back before it ends.
    pub async fn stop_job(self: &Arc<Self>, kind: Workload, id: &str) -> Result<()> {
        Ok(self.training().await?.stop(kind, id).await?)
    }

    /// Starts a stopped notebook, or a DONE or INTERRUPTED job, again; its
    /// volumes are pulled first.
    pub async fn start_job(self: &Arc<Self>, kind: Workload, id: &str) -> Result<()> {
        Ok(self.training().await?.start(kind, id).await?)
    }

    /// Deletes a run for good; what it pushed stays in its containers.
    pub async fn delete_job(self: &Arc<Self>, kind: Workload, id: &str, force: bool) -> Result<()> {
        Ok(self.training().await?.delete(kind, id, force).await?)
    }

    /// Sets (a value given) or removes a label of a run.
    pub async fn label_job(self: &Arc<Self>, kind: Workload, id: &str, name: &str, value: Option<&str>) -> Result<()> {
        let name = label_name(name).map_err(Error::invalid)?;
        Ok(self.training().await?.set_label(kind, id, name, value).await?)
    }

    /// "Sync now": push (or pull) one volume, or all, of a running job.
    pub async fn sync_job_data(
        self: &Arc<Self>,
        kind: Workload,
        id: &str,
        direction: DataSyncDirection,
        volume: Option<String>,
    ) -> Result<DataSync> {
        Ok(self.training().await?.data_sync(kind, id, direction, volume).await?)
    }

    /// The last `tail` lines of a job's log (all when none).
    pub async fn job_logs(self: &Arc<Self>, id: &str, tail: Option<u32>) -> Result<String> {
        Ok(self.training().await?.logs(id, tail).await?)
    }

    /// Passes each line of a job's log to `line`, the last `tail` first and
    /// then new ones, until the job ends.
    pub async fn follow_job_logs(self: &Arc<Self>, id: &str, tail: Option<u32>, line: impl FnMut(&str)) -> Result<()> {
        Ok(self.training().await?.follow_logs(id, tail, line).await?)
    }

    pub async fn quota(self: &Arc<Self>) -> Result<Quota> {
        Ok(self.training().await?.quota().await?)
    }

    /// A sentence when launching `form` would pass the project's quota,
    /// counting what the jobs and notebooks that run or wait hold; `None`
    /// when it fits or the API states no quota.
    pub async fn quota_warning(self: &Arc<Self>, form: &LaunchForm) -> Result<Option<String>> {
        let client = self.training().await?;
        let (quota, flavors) = tokio::join!(client.quota(), client.flavors());
        let (Ok(quota), Ok(flavors)) = (quota, flavors) else { return Ok(None) };
        let (kind, asked) = units(form.flavor.trim(), form.gpu, form.cpu, &flavors);
        let active = ListFilter { states: ACTIVE.iter().map(|s| (*s).to_owned()).collect(), ..ListFilter::default() };
        let (jobs, notebooks) =
            tokio::try_join!(client.list(Workload::Job, &active), client.list(Workload::Notebook, &active))?;
        let held = jobs
            .iter()
            .chain(&notebooks)
            .map(|j| {
                let r = &j.spec.resources;
                units(r.flavor.as_deref().unwrap_or(""), r.gpu.filter(|g| *g > 0), r.cpu, &flavors)
            })
            .filter(|(k, _)| *k == kind)
            .map(|(_, n)| n)
            .sum();
        Ok(quota.exceeded(kind, asked, held))
    }

    /// The machines a run can have, with their GPUs.
    pub async fn flavors(self: &Arc<Self>) -> Result<Vec<Flavor>> {
        Ok(self.training().await?.flavors().await?)
    }

    /// What the launch form offers. The images are an extra: a server that
    /// does not list them leaves them out, not the form.
    pub async fn launch_options(self: &Arc<Self>) -> Result<LaunchOptions> {
        let client = self.training().await?;
        let (flavors, editors, frameworks, images) = tokio::join!(
            client.flavors(),
            client.notebook_editors(),
            client.notebook_frameworks(),
            client.job_images()
        );
        Ok(LaunchOptions {
            flavors: flavors?,
            editors: editors?,
            frameworks: frameworks?,
            images: images.unwrap_or_default(),
        })
    }

    /// The run's web address (a notebook's editor, a job's HTTP port), as
    /// the API gives it and only if it is a web address: a front end opens
    /// this, never an address it was handed.
    pub async fn job_url(self: &Arc<Self>, kind: Workload, id: &str) -> Result<String> {
        let job = self.job(kind, id).await?;
        web_address(job.status.url)
    }
}

fn web_address(url: Option<String>) -> Result<String> {
    url.filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .ok_or_else(|| Error::invalid("It has no web address yet: it gets one once it runs."))
}

#[cfg(test)]
mod tests {
    use super::web_address;

    #[test]
    fn only_a_web_address_is_opened() {
        let url = |u: &str| web_address(Some(u.into()));
        assert_eq!(
            url("https://abc.notebook.gra.ai.cloud.ovh.net").expect("https"),
            "https://abc.notebook.gra.ai.cloud.ovh.net"
        );
        assert!(url("http://localhost:8080/").is_ok());
        for refused in ["file:///etc/passwd", "javascript:alert(1)", "ftp://x", ""] {
            assert!(url(refused).is_err(), "{refused}");
        }
        assert!(web_address(None).expect_err("none yet").message.contains("no web address"));
    }
}
