// Job volumes in the real window: add two volumes and watch the ovhai
// command follow, copy it (read back from the X clipboard), see a nested
// mount refused, import a pasted command, save a set, and drag a container
// from Storage onto "Job volumes", then check its storage on Garage.
// Runs after profiles.test.mjs, whose "OVH test" profile (alias S3GRA,
// pointing at the test S3 server) is current.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { env, openApp, quitThroughTheTray } from "./app.mjs";

let session;

before(async () => {
  session = await openApp();
});

after(async () => {
  const artifacts = process.env.STOWAGE_E2E_ARTIFACTS;
  if (session && artifacts) writeFileSync(`${artifacts}/volumes.png`, await session.screenshot());
  await session?.end();
});

const $ = (testid) => session.waitFor(testid, () => session.find(`[data-testid="${testid}"]`));
const $$ = (testid) => session.findAll(`[data-testid="${testid}"]`);

async function retype(element, text) {
  await element.clear();
  await element.type(text);
}

async function commandPreview(pattern) {
  let last = "";
  try {
    return await session.waitFor(`the command preview to match ${pattern}`, async () => {
      [last] = await session.texts('[data-testid="command-preview"]');
      return pattern.test(last ?? "") && last;
    });
  } catch (e) {
    throw new Error(`${e.message}; it says: ${last}`);
  }
}

async function select(element, value) {
  await session.execute(
    "const [el, v] = arguments; el.value = v; el.dispatchEvent(new Event('change', { bubbles: true }));",
    [{ "element-6066-11e4-a52e-4f735466cecf": element.id }, value],
  );
}

test("two volumes make the ovhai command, which copies to the clipboard", async () => {
  await (await $("nav-volumes")).click();
  await $("empty-volumes");
  await retype(await $("job-image"), "ovhcom/ai-training-pytorch");

  await (await $("add-volume")).click();
  await retype((await $$("volume-container"))[0], "datasets");
  await retype((await $$("volume-alias"))[0], "S3GRA");
  await retype((await $$("volume-prefix"))[0], "train/");
  await commandPreview(/--volume datasets@S3GRA\/train\/:\/workspace\/data:ro/);

  await (await $("add-volume")).click();
  await session.waitFor("the second card", async () => (await $$("volume-card")).length === 2);
  await retype((await $$("volume-container"))[1], "checkpoints");
  await retype((await $$("volume-alias"))[1], "S3GRA");
  await retype((await $$("volume-mount"))[1], "/workspace/checkpoints");
  await select((await $$("volume-permission"))[1], "rw");
  const command = await commandPreview(/--volume checkpoints@S3GRA:\/workspace\/checkpoints:rw/);
  assert.match(command, /^ovhai job run ovhcom\/ai-training-pytorch/);
  const [json] = await session.texts('[data-testid="json-preview"]');
  assert.match(json, /"permission": "RW"/);
  assert.match(json, /"prefix": "train\/"/);

  await (await $("copy-command")).click();
  await session.waitFor("the copy notice", async () => /Copied the command/.test((await session.texts('[data-testid="volumes-message"]'))[0] ?? ""));
  const clipboard = execFileSync("xclip", ["-o", "-selection", "clipboard"], { encoding: "utf8" });
  assert.equal(clipboard, command);
});

test("a nested mount path is refused next to the volume", async () => {
  const mount = (await $$("volume-mount"))[1];
  await retype(mount, "/workspace/data/ckpt");
  const finding = await session.waitFor("the nested finding", async () => {
    const texts = await session.texts('[data-testid="volume-finding"]');
    return texts.find((t) => t.includes("nested"));
  });
  assert.match(finding, /Volumes 1 and 2 are nested/);
  await retype(mount, "/workspace/checkpoints");
});

test("an RWD volume is confirmed before the command can be copied", async () => {
  await select((await $$("volume-permission"))[1], "rwd");
  const disabled = () => session.execute('return document.querySelector("[data-testid=copy-command]").disabled');
  await session.waitFor("Copy to wait for the confirmation", async () => (await disabled()) === true);
  await (await $("confirm-rwd")).click();
  await session.waitFor("Copy to be enabled once confirmed", async () => (await disabled()) === false);
  await (await $("confirm-rwd")).click();
  await session.waitFor("Copy to wait again when unticked", async () => (await disabled()) === true);
  await select((await $$("volume-permission"))[1], "rw");
});

test("a pasted command replaces the list; a bad one says which volume is wrong", async () => {
  await (await $("import-volumes")).click();
  const area = await $("import-text");
  await area.type("ovhai job run img -v a12@GRA:/workspace/a -v nope");
  await (await $("import-confirm")).click();
  const error = await session.waitFor("the import error", async () => (await session.texts('[data-testid="import-error"]'))[0]);
  assert.match(error, /^Volume 2: "nope" has no mount path/);
  await retype(area, "ovhai notebook run conda jupyterlab --volume=notebooks@GRA:/workspace/notebooks:rw:cache");
  await (await $("import-confirm")).click();
  await commandPreview(/--volume notebooks@GRA:\/workspace\/notebooks:rw:cache$/);
  assert.equal((await $$("volume-card")).length, 1);

  await retype(await $("set-name"), "notebooks");
  await (await $("save-set")).click();
  await session.waitFor("the saved set", async () => {
    const options = await session.texts('[data-testid="volume-sets"] option');
    return options.includes("notebooks");
  });

  // With volumes in the list, an import asks whether to replace them or add to them.
  await (await $("import-volumes")).click();
  await retype(await $("import-text"), "extra@GRA:/workspace/extra");
  await (await $("import-append")).click();
  await (await $("import-confirm")).click();
  await commandPreview(/--volume notebooks@GRA:\/workspace\/notebooks:rw:cache[\s\\]+--volume extra@GRA:\/workspace\/extra:ro$/);
  await (await session.find('[aria-label="Remove volume 2"]')).click();
  assert.equal((await $$("volume-card")).length, 1);
});

test("what is being composed is there again after Quit and a new start", async () => {
  await (await $("set-name")).clear();
  await (await $("set-name")).type("draft kept");
  const before = await commandPreview(/--volume notebooks@GRA:\/workspace\/notebooks:rw:cache$/);
  await quitThroughTheTray(session);
  session = await openApp();
  await (await $("nav-volumes")).click();
  assert.equal(await commandPreview(/--volume notebooks@GRA/), before);
  assert.equal((await $$("volume-card")).length, 1);
  assert.equal(await session.execute('return document.querySelector("[data-testid=set-name]").value'), "draft kept");
});

test("a container dragged from Storage becomes a volume, and its storage is checked", async () => {
  await (await $("nav-storage")).click();
  const bucket = env("STOWAGE_TEST_S3_BUCKET");
  await session.waitFor("the bucket row", async () => (await session.texts('[data-testid="container-row"]')).some((t) => t.includes(bucket)));
  // WebDriver cannot drive WebKit's native drag and drop, so the test sends
  // the same DOM drag events the browser would, with one DataTransfer.
  const dropped = await session.execute(`
    const row = [...document.querySelectorAll('[data-testid="container-row"]')].find((r) => r.dataset.container === arguments[0]);
    const target = document.querySelector('[data-testid="nav-volumes"]');
    const data = new DataTransfer();
    row.dispatchEvent(new DragEvent("dragstart", { bubbles: true, dataTransfer: data }));
    target.dispatchEvent(new DragEvent("dragover", { bubbles: true, cancelable: true, dataTransfer: data }));
    return target.dispatchEvent(new DragEvent("drop", { bubbles: true, cancelable: true, dataTransfer: data })) === false;
  `, [bucket]);
  assert.equal(dropped, true, "the drop was taken");
  const command = await commandPreview(new RegExp(`--volume ${bucket}@S3GRA:/workspace/${bucket}:ro`));
  assert.match(command, /notebooks@GRA/, "the dropped volume was added to the list");

  await (await $("check-storage")).click();
  const finding = await session.waitFor("the storage finding", async () => {
    const texts = await session.texts('[data-testid="volume-finding"]');
    return texts.find((t) => t.includes("empty folder"));
  }, 30_000);
  assert.match(finding, new RegExp(`nothing is stored under "${bucket}"`));
  assert.match((await session.texts('[data-testid="volume-total"]'))[0], /Each job start downloads 0 objects/);
});
