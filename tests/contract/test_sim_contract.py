"""The AI Training contract, judged by OVHcloud's own SDK (`ovhai` 0.1a4 on
PyPI, generated from the API's OpenAPI file).

The real API cannot be reached from the test machines, so Stowage's client
is tested against stowage-training-sim. These tests keep the simulator
honest: they drive it with the SDK's own functions, with
`raise_on_unexpected_status`, so a status code the SDK does not declare for
an endpoint fails; and every answer must parse in the SDK's models with no
field the SDK does not know and every value of the type the SDK declares.
The client's side: what `stowage job run --dry-run` sends must parse in the
SDK's JobSpec the same way.

    STOWAGE_SIM_BIN=target/debug/stowage-training-sim STOWAGE_CLI_BIN=target/debug/stowage \
        python -m unittest -v tests/contract/test_sim_contract.py
"""
import datetime
import json
import os
import re
import subprocess
import tempfile
import time
import typing
import unittest

import attrs
import httpx
import ovhai.models as models
from ovhai import AuthenticatedClient
from ovhai.api.capabilities import (
    get_v1_capabilities_flavor, get_v1_capabilities_job_image, get_v1_capabilities_notebook_editor,
    get_v1_capabilities_notebook_framework, get_v1_capabilities_quota,
)
from ovhai.api.job import (
    job_data_sync, job_delete, job_edit_label, job_get, job_get_all, job_kill, job_log, job_new, job_start,
)
from ovhai.api.notebook import (
    notebook_data_sync, notebook_delete, notebook_edit_label, notebook_get, notebook_get_all, notebook_new,
    notebook_start, notebook_stop,
)
from ovhai.errors import UnexpectedStatus
from ovhai.models import (
    DataStoreVolumeSource, DataSyncSpec, DataSyncSpecDirection, Env, JobSpec, JobSpecLabelsType0, LabelUpdate,
    NotebookEnv, NotebookSpec, Order, PrivateSwiftVolumeSource, PublicGitVolumeSource, Resources,
    StandaloneVolumeSource, Volume,
)
from ovhai.ovhai_types import Unset

TOKEN = "contract-token-4b1e"

# Models that are free-form maps: all their content is additional properties.
FREE_FORM = (models.InfoArguments, models.JobSpecLabelsType0, models.NotebookSpecLabelsType0,
             models.StandaloneVolumeSource, models.ProjectQuotasResources)
HINT_NAMES = {**vars(models), **vars(typing), "datetime": datetime, "Unset": Unset}
# The API writes timestamps in UTC with 0 to 6 fractional digits.
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$")


def conforms(value, hint):
    """Whether `value` (as from_dict left it) is of the SDK's declared type."""
    origin = typing.get_origin(hint)
    if origin is typing.Union:
        return any(conforms(value, h) for h in typing.get_args(hint))
    if origin in (list, typing.List):
        (item,) = typing.get_args(hint)
        return isinstance(value, list) and all(conforms(v, item) for v in value)
    if hint is type(None):
        return value is None
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is typing.Any:
        return True
    return isinstance(value, hint)


def unknowns(obj, path="$"):
    """Fields the SDK does not know, and values not of the declared type."""
    found = []
    if isinstance(obj, list):
        for i, item in enumerate(obj):
            found += unknowns(item, f"{path}[{i}]")
        return found
    if not attrs.has(type(obj)):
        return found
    if obj.additional_properties and not isinstance(obj, FREE_FORM):
        found += [f"{path}.{key} (not in the SDK's {type(obj).__name__})" for key in obj.additional_properties]
    hints = typing.get_type_hints(type(obj), globalns=HINT_NAMES)
    for field in attrs.fields(type(obj)):
        if field.name == "additional_properties":
            continue
        value = getattr(obj, field.name)
        if isinstance(value, Unset):
            continue
        if not conforms(value, hints[field.name]):
            found.append(f"{path}.{field.name} = {value!r} is not {hints[field.name]}")
        found += unknowns(value, f"{path}.{field.name}")
    return found


def timestamps(raw, path="$"):
    """Timestamp-looking strings that are not as the API writes them."""
    bad = []
    if isinstance(raw, dict):
        for key, value in raw.items():
            bad += timestamps(value, f"{path}.{key}")
    elif isinstance(raw, list):
        for i, value in enumerate(raw):
            bad += timestamps(value, f"{path}[{i}]")
    elif isinstance(raw, str) and re.match(r"^\d{4}-\d\d-\d\dT", raw) and not TIMESTAMP.match(raw):
        bad.append(f"{path} = {raw}")
    return bad


class Sim:
    def __init__(self, *args):
        self.process = subprocess.Popen(
            [os.environ["STOWAGE_SIM_BIN"], "--token", TOKEN, "--phase-ms", "200", "--run-seconds", "1", *args],
            stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        self.url = line.strip().removeprefix("listening on ")
        assert self.url.startswith("http://"), line

    def client(self, token=TOKEN):
        return AuthenticatedClient(base_url=self.url, token=token, raise_on_unexpected_status=True,
                                   timeout=httpx.Timeout(60.0))

    def stop(self):
        self.process.kill()
        self.process.wait()


class Contract(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sim = Sim("--page-size", "2")
        cls.client = cls.sim.client()

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()

    def parsed(self, response, status=200):
        """The answer, checked: a status the SDK declares (else the SDK raises),
        its parse in the SDK's model, no unknown field, the timestamps."""
        self.assertEqual(response.status_code, status, response.content)
        if status >= 400:
            return None
        if status == 204:
            self.assertEqual(response.content, b"", "204 has no body")
            return None
        self.assertIsNotNone(response.parsed, f"the SDK could not parse: {response.content[:300]!r}")
        self.assertEqual(unknowns(response.parsed), [])
        self.assertEqual(timestamps(json.loads(response.content)), [])
        return response.parsed

    def wait(self, get, id, state, seconds=30):
        deadline = time.time() + seconds
        while True:
            run = self.parsed(get.sync_detailed(id, client=self.client))
            if run.status.state == state:
                return run
            self.assertLess(time.time(), deadline, f"stuck in {run.status.state} waiting for {state}")
            time.sleep(0.1)

    def full_spec(self, command):
        labels = JobSpecLabelsType0()
        labels.additional_properties["team"] = "vision"
        return JobSpec(
            image="ovhcom/ai-training-pytorch", name="contract", command=command,
            env_vars=[Env(name="EPOCHS", value="3")], labels=labels, ssh_public_keys=[],
            resources=Resources(flavor="l40s-1-gpu", gpu=1), timeout=3600, default_http_port=8080,
            unsecure_http=False, timeout_auto_restart=False,
            volumes=[
                Volume(mount_path="/workspace/data", permission="RO", cache=True,
                       data_store=DataStoreVolumeSource(alias="GRA", container="datasets", prefix="train/")),
                Volume(mount_path="/workspace/out", permission="RW",
                       data_store=DataStoreVolumeSource(alias="GRA", container="runs")),
                Volume(mount_path="/workspace/code", permission="RO",
                       public_git=PublicGitVolumeSource(url="https://github.com/ovh/ai-training-examples.git")),
            ])

    def test_capabilities(self):
        flavors = self.parsed(get_v1_capabilities_flavor.sync_detailed(client=self.client))
        self.assertTrue(any(f.type == "gpu" and f.gpu_information.gpu_model for f in flavors))
        self.assertTrue(any(f.type == "cpu" for f in flavors))
        self.assertEqual(sum(1 for f in flavors if f.default), 1, "one default flavor")
        editors = self.parsed(get_v1_capabilities_notebook_editor.sync_detailed(client=self.client))
        frameworks = self.parsed(get_v1_capabilities_notebook_framework.sync_detailed(client=self.client))
        self.assertIn("jupyterlab", [e.id for e in editors])
        self.assertTrue(all(f.versions for f in frameworks))

    def test_a_job_runs_syncs_logs_and_ends(self):
        job = self.parsed(job_new.sync_detailed(client=self.client, body=self.full_spec(["sleep", "2"])))
        self.assertEqual(job.status.state, "QUEUED")
        self.assertEqual(job.spec.resources.gpu_model, "L40S", "the platform fills the resources in")
        running = self.wait(job_get, job.id, "RUNNING")
        self.assertEqual([h.state for h in running.status.history], ["QUEUED", "INITIALIZING", "PENDING", "RUNNING"])
        pull = running.status.data_sync[0]
        self.assertEqual((pull.spec.direction, pull.spec.manual, pull.status.state), ("pull", False, "DONE"))
        self.assertEqual(pull.status.info.code, "DATASYNC_DONE")
        self.assertEqual({p.info for p in pull.status.progress}, {"datasets@GRA", "runs@GRA"})

        volume = running.status.volumes[1].id
        asked = job_data_sync.sync_detailed(job.id, client=self.client,
                                            body=DataSyncSpec(direction=DataSyncSpecDirection.PUSH, volume=volume,
                                                              manual=True))
        sync = self.parsed(asked)
        self.assertEqual((sync.status.state, sync.spec.volume, sync.spec.job_id), ("QUEUED", volume, job.id))

        # Following the log returns once the job has ended: its last line is the end.
        followed = job_log.sync_detailed(job.id, client=self.client, follow=True)
        self.assertEqual(followed.status_code, 200)
        lines = followed.content.decode().splitlines()
        self.assertTrue(lines[-1].endswith("Job DONE"), lines[-3:])
        self.assertTrue(any("Pulled /workspace/data (datasets@GRA)" in l for l in lines), lines)
        self.assertTrue(any("Pushed /workspace/out (runs@GRA)" in l for l in lines), lines)
        tail = job_log.sync_detailed(job.id, client=self.client, tail=2)
        self.assertEqual(tail.content.decode().splitlines(), lines[-2:])

        done = self.parsed(job_get.sync_detailed(job.id, client=self.client))
        self.assertEqual(done.status.state, "DONE")
        self.assertEqual(done.status.exit_code, 0)
        self.assertIsNotNone(done.status.volumes[1].last_pushed_created_at)
        self.assertIsNone(done.status.volumes[0].last_pushed_created_at, "an RO volume is never pushed")
        # A finished job cannot be killed: 400 is one of the statuses kill declares.
        self.parsed(job_kill.sync_detailed(job.id, client=self.client), 400)

    def test_kill_answers_204_and_the_job_is_interrupted(self):
        job = self.parsed(job_new.sync_detailed(client=self.client, body=JobSpec(image="busybox", command=["sleep", "60"])))
        self.wait(job_get, job.id, "RUNNING")
        self.parsed(job_kill.sync_detailed(job.id, client=self.client), 204)
        ended = self.wait(job_get, job.id, "INTERRUPTED")
        self.assertIn("INTERRUPTING", [h.state for h in ended.status.history])

    def test_null_lists_are_accepted_and_echoed(self):
        spec = JobSpec(image="busybox", command=None, env_vars=None, volumes=None, labels=None, ssh_public_keys=None)
        job = self.parsed(job_new.sync_detailed(client=self.client, body=spec))
        self.assertIsNone(job.spec.command)

    def test_errors_use_the_declared_statuses(self):
        self.parsed(job_get_all.sync_detailed(client=self.sim.client("wrong")), 401)
        self.parsed(job_get.sync_detailed("no-such-job", client=self.client), 404)
        bad_flavor = JobSpec(image="busybox", resources=Resources(flavor="no-such-flavor"))
        self.parsed(job_new.sync_detailed(client=self.client, body=bad_flavor), 400)
        unknown_field = httpx.post(f"{self.sim.url}/v1/job", json={"image": "busybox", "gpuCount": 1},
                                   headers={"Authorization": f"Bearer {TOKEN}"})
        self.assertEqual(unknown_field.status_code, 400, "a field the SDK does not declare is refused")
        # The SDK declares no error status for a job's datasync (only 200);
        # the simulator answers 400 to a job that is not RUNNING, as the
        # notebook's datasync declares.
        queued = self.parsed(job_new.sync_detailed(client=self.client, body=JobSpec(image="busybox")))
        with self.assertRaises(UnexpectedStatus) as not_running:
            job_data_sync.sync_detailed(queued.id, client=self.client,
                                        body=DataSyncSpec(direction=DataSyncSpecDirection.PUSH))
        self.assertEqual(not_running.exception.status_code, 400)

    def test_lists_are_pages(self):
        ids = {self.parsed(job_new.sync_detailed(client=self.client, body=JobSpec(image=f"img-{i}"))).id for i in range(5)}
        seen, page, pages = [], 1, None
        while True:
            listed = self.parsed(job_get_all.sync_detailed(client=self.client, page=page, size=2))
            self.assertLessEqual(len(listed.items), 2, "the page size is honoured")
            self.assertEqual(listed.metadata.current_page, page)
            pages = listed.metadata.page_count
            seen += [j.id for j in listed.items]
            if page >= pages:
                break
            self.assertTrue(listed.metadata.links.next_)
            page += 1
        self.assertEqual(len(seen), len(set(seen)), "no job twice")
        self.assertTrue(ids <= set(seen))
        self.assertEqual(listed.metadata.total, len(seen))
        running = self.parsed(job_get_all.sync_detailed(client=self.client, status_state=["DONE"], size=2))
        self.assertTrue(all(j.status.state == "DONE" for j in running.items))

    def test_a_finished_job_restarts_is_relabelled_filtered_and_deleted(self):
        labels = JobSpecLabelsType0()
        labels.additional_properties["team"] = "vision"
        job = self.parsed(job_new.sync_detailed(client=self.client, body=JobSpec(image="busybox", labels=labels)))
        self.wait(job_get, job.id, "DONE")
        self.parsed(job_start.sync_detailed(job.id, client=self.client), 204)
        self.wait(job_get, job.id, "DONE")
        self.parsed(job_edit_label.sync_detailed(job.id, client=self.client, body=LabelUpdate(name="team", value="nlp")), 204)
        self.assertEqual(self.parsed(job_get.sync_detailed(job.id, client=self.client)).spec.labels["team"], "nlp")
        by_label = self.parsed(job_get_all.sync_detailed(client=self.client, label_selector="team=nlp", size=2))
        self.assertEqual([j.id for j in by_label.items], [job.id])
        self.parsed(job_edit_label.sync_detailed(job.id, client=self.client, body=LabelUpdate(name="team", value=None)), 204)
        self.assertNotIn("team", self.parsed(job_get.sync_detailed(job.id, client=self.client)).spec.labels.additional_properties)
        ordered = self.parsed(job_get_all.sync_detailed(client=self.client, order=Order.ASC, sort="updatedAt",
                                                        updated_after=int(time.time()) - 3600, size=2))
        self.assertTrue(ordered.items, "updated within the hour")
        self.assertEqual(self.parsed(job_get_all.sync_detailed(client=self.client, updated_after=int(time.time()) + 3600)).items, [])
        running = self.parsed(job_new.sync_detailed(client=self.client, body=JobSpec(image="busybox", command=["sleep", "60"])))
        self.wait(job_get, running.id, "RUNNING")
        self.parsed(job_start.sync_detailed(running.id, client=self.client), 400)
        self.parsed(job_delete.sync_detailed(running.id, client=self.client), 400)
        self.parsed(job_delete.sync_detailed(running.id, client=self.client, force=True), 204)
        self.parsed(job_delete.sync_detailed(job.id, client=self.client), 204)
        self.parsed(job_get.sync_detailed(job.id, client=self.client), 404)

    def test_quota_and_job_images(self):
        (quota,) = self.parsed(get_v1_capabilities_quota.sync_detailed(client=self.client))
        self.assertGreater(quota.resources["GPU"], 0)
        images = self.parsed(get_v1_capabilities_job_image.sync_detailed(client=self.client))
        self.assertTrue(all(i.id and i.versions for i in images))

    def test_a_list_holding_odd_volumes_parses(self):
        body = JobSpec(image="busybox", volumes=[
            Volume(mount_path="/workspace/legacy", permission="R",
                   private_swift=PrivateSwiftVolumeSource(container="old", region="GRA", prefix="2019/")),
            Volume(mount_path="/workspace/scratch", permission="RW", standalone=StandaloneVolumeSource()),
        ])
        job = self.parsed(job_new.sync_detailed(client=self.client, body=body))
        listed = self.parsed(job_get_all.sync_detailed(client=self.client, size=2, order=Order.ASC,
                                                       label_selector=None, status_state=[job.status.state]))
        self.assertTrue(listed.metadata.total >= 1)
        got = self.parsed(job_get.sync_detailed(job.id, client=self.client))
        self.assertEqual([v.permission for v in got.spec.volumes], ["R", "RW"])
        self.assertEqual(got.spec.volumes[0].private_swift.container, "old")

    def test_a_notebook_starts_syncs_stops_and_starts_again(self):
        spec = NotebookSpec(
            name="explore", env=NotebookEnv(editor_id="jupyterlab", framework_id="pytorch", framework_version="2.4"),
            resources=Resources(flavor="ai1-1-cpu", cpu=2),
            volumes=[Volume(mount_path="/workspace/data", permission="RW",
                            data_store=DataStoreVolumeSource(alias="GRA", container="notes"))])
        notebook = self.parsed(notebook_new.sync_detailed(client=self.client, body=spec))
        self.assertEqual(notebook.status.state, "STARTING")
        self.assertIsInstance(notebook.spec.env, NotebookEnv)
        running = self.wait(notebook_get, notebook.id, "RUNNING")
        self.assertTrue(running.status.url.startswith("https://"))
        self.assertIsNotNone(running.status.last_started_at)
        listed = self.parsed(notebook_get_all.sync_detailed(client=self.client))
        self.assertIn(notebook.id, [n.id for n in listed.items])
        sync = self.parsed(notebook_data_sync.sync_detailed(
            notebook.id, client=self.client, body=DataSyncSpec(direction=DataSyncSpecDirection.PUSH, manual=True)))
        self.assertEqual(sync.spec.direction, "push")
        self.parsed(notebook_stop.sync_detailed(notebook.id, client=self.client), 204)
        stopped = self.wait(notebook_get, notebook.id, "STOPPED")
        self.assertIsNotNone(stopped.status.last_stopped_at)
        self.parsed(notebook_stop.sync_detailed(notebook.id, client=self.client), 400)
        self.parsed(notebook_start.sync_detailed(notebook.id, client=self.client), 204)
        running = self.wait(notebook_get, notebook.id, "RUNNING")
        self.assertGreater(running.status.workspace.storage_free, 0)
        self.parsed(notebook_edit_label.sync_detailed(notebook.id, client=self.client,
                                                      body=LabelUpdate(name="owner", value="me")), 204)
        self.parsed(notebook_delete.sync_detailed(notebook.id, client=self.client), 400)
        self.parsed(notebook_delete.sync_detailed(notebook.id, client=self.client, force=True), 204)
        self.parsed(notebook_get.sync_detailed(notebook.id, client=self.client), 404)

    def test_the_clients_job_spec_parses_in_the_sdk(self):
        cli = os.environ.get("STOWAGE_CLI_BIN")
        if not cli:
            self.skipTest("STOWAGE_CLI_BIN is not set: scripts/test sets it to the built `stowage`")
        with tempfile.TemporaryDirectory() as home:
            env = {**os.environ, "STOWAGE_CONFIG_DIR": f"{home}/config", "STOWAGE_DATA_DIR": f"{home}/data"}
            for args in (
                ["--image", "ovhcom/ai-training-pytorch", "--name", "r42", "--flavor", "l40s-1-gpu", "--gpu", "2",
                 "-e", "EPOCHS=3", "-v", "datasets@GRA/train:/workspace/data:ro:cache", "-v",
                 "runs@GRA:/workspace/out:rwd", "-v", "https://github.com/ovh/ai-training-examples.git:/workspace/code:rw",
                 "-l", "team=vision", "--label", "run=42", "-s", "ssh-ed25519 AAAAC3 me@laptop", "--timeout", "12h",
                 "--default-http-port", "8501", "--unsecure-http", "-v", "standalone:/workspace/scratch:rw",
                 "--", "python", "train.py"],
                ["--notebook", "--framework", "pytorch", "--editor", "jupyterlab", "--cpu", "2",
                 "-v", "notes@GRA:/workspace/notes:rw"],
            ):
                out = subprocess.run([cli, "job", "run", "--dry-run", *args], env=env, capture_output=True, text=True,
                                     check=True).stdout
                body = json.loads(out)
                model = NotebookSpec if "--notebook" in args else JobSpec
                spec = model.from_dict(body)
                self.assertEqual(unknowns(spec), [], body)
                self.assertEqual({k: v for k, v in spec.to_dict().items() if k in body}, body, "a lossless round trip")
                # And the simulator takes it.
                created = httpx.post(f"{self.sim.url}/v1/{'notebook' if model is NotebookSpec else 'job'}", json=body,
                                     headers={"Authorization": f"Bearer {TOKEN}"})
                self.assertEqual(created.status_code, 200, created.text)


if __name__ == "__main__":
    unittest.main()
