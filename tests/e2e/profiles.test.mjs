// Profiles in the real window, against the real keyring and Garage: add an
// OVHcloud profile whose endpoint points at the test server, see a wrong
// secret fail its test with the field to fix, save, switch to it and browse.
// A canary secret is typed in and must come back in no IPC response, no
// event, no page text, no log line and no config file.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { currentProfile, env, openApp } from "./app.mjs";

const CANARY = "CANARY-5f4dcc3b5aa765d61d8327deb882cf99";
let session;

// Records every app event the page receives. (Tauri's invoke cannot be
// wrapped: it is a read-only property; commands are called directly below.)
const TAP = `
  const internals = window.__TAURI_INTERNALS__;
  window.__events = [];
  for (const event of ["profiles-changed", "containers-changed"]) {
    internals.invoke("plugin:event|listen", {
      event, target: { kind: "Any" },
      handler: internals.transformCallback((e) => window.__events.push(JSON.stringify(e))),
    });
  }
  return true;
`;

// Calls each command in turn and returns what came back, errors included.
const CALL_ALL = `
  const [calls, done] = arguments;
  (async () => {
    const out = [];
    for (const [cmd, args] of calls) {
      try {
        out.push(cmd + " -> " + JSON.stringify(await window.__TAURI_INTERNALS__.invoke(cmd, args)));
      } catch (e) {
        out.push(cmd + " !! " + JSON.stringify(e));
      }
    }
    done(out);
  })();
`;

before(async () => {
  session = await openApp();
  assert.equal(await session.execute(TAP), true, "the IPC tap is installed");
});

after(async () => {
  const artifacts = process.env.STOWAGE_E2E_ARTIFACTS;
  if (session && artifacts) writeFileSync(`${artifacts}/profiles.png`, await session.screenshot());
  await session?.end();
});

async function field(testid) {
  return session.waitFor(testid, () => session.find(`[data-testid="${testid}"]`));
}

async function retype(testid, text) {
  const input = await field(testid);
  await input.clear();
  await input.type(text);
  return input;
}

/** Waits until the element shows text matching `pattern`; validation runs after a pause. */
async function textMatching(testid, pattern) {
  return session.waitFor(`${testid} to match ${pattern}`, async () => {
    const found = await session.findAll(`[data-testid="${testid}"]`);
    const text = found.length ? await found[0].text() : "";
    return pattern.test(text) && text;
  });
}

async function testResult() {
  await (await field("test-profile")).click();
  return session.waitFor("the test result", async () => {
    const shown = await session.findAll('[data-testid="test-result"]');
    return shown.length ? shown[0].text() : false;
  }, 75_000); // generous: one CI run saw a first connection test take over 30 s
}

test("an OVHcloud profile: checked as you type, tested, saved, switched to, browsed", async () => {
  await (await field("nav-settings")).click();
  await (await field("add-profile")).click();
  await field("profile-form");

  // Validation as you type names the field.
  await retype("profile-name", "OVH:test");
  await (await field("profile-endpoint")).click();
  assert.match(await textMatching("error-name", /cannot contain ':'/), /PROFILE:CONTAINER/);
  await retype("profile-name", "OVH test");
  // A bare server name is read as https://, as a browser reads it; another scheme is refused.
  await retype("profile-endpoint", "s3.example.com");
  await (await field("profile-access-key")).click();
  await session.waitFor("the endpoint read as https", async () =>
    (await session.texts('[data-testid="endpoint-preview"]'))[0] === "https://s3.example.com");
  assert.equal((await session.findAll('[data-testid="error-endpoint"]')).length, 0, "no error for a bare server name");
  await retype("profile-endpoint", "ftp://s3.example.com");
  await (await field("profile-access-key")).click();
  await textMatching("error-endpoint", /https:\/\/ or http:\/\//);

  await retype("profile-endpoint", env("STOWAGE_TEST_S3_ENDPOINT"));
  await retype("profile-access-key", env("STOWAGE_TEST_S3_ACCESS_KEY"));
  await (await field("profile-path-style")).click(); // the test server has no wildcard DNS for virtual hosts
  await retype("profile-alias", "S3GRA");
  await retype("profile-secret-key", CANARY);
  const wrong = await testResult();
  assert.match(wrong, /secret key does not match/i);
  assert.match(wrong, /Secret key field/);

  await retype("profile-secret-key", env("STOWAGE_TEST_S3_SECRET_KEY"));
  const right = await session.waitFor("a passing test", async () => {
    const text = await testResult();
    return text.startsWith("Connected") && text;
  }, 40_000);
  assert.match(right, /Connected: \d+ container/);

  await (await field("save-profile")).click();
  await session.waitFor("the form to close", async () => (await session.findAll('[data-testid="profile-form"]')).length === 0);
  const rows = await session.waitFor("the new profile's row", async () => {
    const texts = await session.texts('[data-testid="profile-row"]');
    return texts.some((r) => r.includes("OVH test") && r.includes(env("STOWAGE_TEST_S3_ENDPOINT"))) && texts;
  });
  assert.equal(rows.length, 2);
  assert.ok(rows.some((r) => r.includes("S3GRA")), "the datastore alias is shown");

  // Switch in the sidebar and browse the test server's containers.
  await (await session.find('[data-testid="profile-switcher"] option[value="OVH test"]')).click();
  await session.waitFor("the switch", async () => (await currentProfile(session)) === "OVH test");
  await (await field("nav-storage")).click();
  const containers = await session.waitFor("the test server's containers", async () => {
    const texts = await session.texts('[data-testid="container-row"]');
    return texts.some((t) => t.includes(env("STOWAGE_TEST_S3_BUCKET"))) && texts;
  });
  assert.ok(containers.length >= 1);
});

test("a region typo is the Region field's: Test says so there, without the SDK's words or a server", async () => {
  await (await field("nav-settings")).click();
  await (await field("add-profile")).click();
  await (await field("provider-other")).click();
  await retype("profile-name", "Typo");
  await retype("profile-endpoint", env("STOWAGE_TEST_S3_ENDPOINT"));
  await retype("profile-region", "GRA 2");
  const said = await testResult();
  assert.match(said, /lowercase/);
  assert.doesNotMatch(said, /Endpoint|DNS name/);
  assert.equal(await textMatching("error-region", /lowercase/), said);
  await session.execute("document.querySelector('[data-testid=profile-form]').previousElementSibling.click()");
  await session.waitFor("the form to close", async () => (await session.findAll('[data-testid="profile-form"]')).length === 0);
});

test("a canary secret comes back in no IPC response, event, page, log or config file", async () => {
  const profile = {
    name: "Canary",
    backend: {
      kind: "s3", provider: "other", endpoint: env("STOWAGE_TEST_S3_ENDPOINT"), region: "gra",
      pathStyle: true, checksum: { mode: "whenRequired" },
    },
    datastoreAlias: null,
  };
  const access = env("STOWAGE_TEST_S3_ACCESS_KEY");
  // Every command, with the canary stored as a profile's secret key.
  const calls = [
    ["get_profiles", {}],
    ["save_profile", { original: null, profile, accessKey: access, secretKey: CANARY }],
    ["key_status", { name: "Canary" }],
    ["check_profile", { original: "Canary", profile }],
    ["test_profile", { original: "Canary", profile, accessKey: null, secretKey: null }],
    ["test_profile", { original: null, profile: { ...profile, name: "Typed" }, accessKey: access, secretKey: CANARY }],
    ["save_profile", { original: "Canary", profile: { ...profile, name: "Canary 2" }, accessKey: null, secretKey: null }],
    ["use_profile", { name: "Canary 2" }],
    ["list_containers", { profile: "Canary 2" }],
    ["create_container", { profile: "Canary 2", name: "canary-made", versioning: false, storageClass: null }],
    ["share_link", { profile: "Canary 2", container: env("STOWAGE_TEST_S3_BUCKET"), key: "e2e/x", expiresSecs: 3600 }],
    ["list_folder", { profile: "Canary 2", container: env("STOWAGE_TEST_S3_BUCKET"), prefix: "", continuation: null }],
    ["measure_selection", { profile: "Canary 2", container: env("STOWAGE_TEST_S3_BUCKET"), selection: ["e2e/"] }],
    ["list_sync_pairs", {}],
    ["import_profiles", { source: "rclone" }],
    ["save_profile", { original: null, profile: { ...profile, name: "bad:name" }, accessKey: access, secretKey: CANARY }],
    ["use_profile", { name: "OVH test" }],
    ["remove_profile", { name: "Canary 2" }],
  ];
  const results = await session.executeAsync(CALL_ALL, [calls]);
  assert.equal(results.length, calls.length);
  const said = results.join("\n");
  assert.match(said, /test_profile !! .*secret key does not match/, "the wrong stored secret was used and reported");
  assert.match(said, /list_containers !! .*Secret key field/, "browsing with the wrong secret says which field to fix");
  assert.match(said, /key_status -> \{"accessKey":true,"secretKey":true\}/);
  for (const line of results) assert.ok(!line.includes(CANARY), `leaked over IPC: ${line}`);

  await new Promise((resolve) => setTimeout(resolve, 500)); // let events and log lines land
  const events = await session.execute("return window.__events");
  assert.ok(events.some((e) => e.includes("Canary 2")), `events were seen: ${events}`);
  for (const event of events) assert.ok(!event.includes(CANARY), `leaked in an event: ${event}`);

  const page = await session.cmd("GET", "/source");
  assert.ok(!page.includes(CANARY), "the page does not hold the canary");
  assert.ok(!page.includes(env("STOWAGE_TEST_S3_SECRET_KEY")), "the page does not hold the secret key");

  let searched = 0;
  for (const dir of [env("STOWAGE_CONFIG_DIR"), env("STOWAGE_DATA_DIR")]) {
    for (const file of walk(dir)) {
      const text = readFileSync(file, "latin1");
      searched += text.length;
      assert.ok(!text.includes(CANARY), `the canary is in ${file}`);
      assert.ok(!text.includes(env("STOWAGE_TEST_S3_SECRET_KEY")), `the secret key is in ${file}`);
    }
  }
  assert.ok(searched > 0, "there were log and config files to search");
});

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}
