import { beforeEach, describe, expect, it, vi } from "vitest";

// The IPC as the Browser sees it: each command records what it was sent.
const sent: [string, unknown[]][] = [];
const answers: Record<string, unknown> = {};
vi.mock("./ipc", async (actual) => {
  const real = await actual<typeof import("./ipc")>();
  const commands = new Proxy({}, {
    get: (_, name: string) => async (...args: unknown[]) => {
      sent.push([name, args]);
      // A function answers each call anew (a queue of pages).
      const answer = typeof answers[name] === "function" ? (answers[name] as (...a: unknown[]) => unknown)(...args) : answers[name];
      if (answer instanceof Error || (typeof answer === "object" && answer !== null && "code" in answer)) throw answer;
      return answer;
    },
  });
  return { ...real, commands };
});

const { Browser, sizeKey, sizeText } = await import("./storage.svelte");

const page = (prefixes: string[], keys: string[], next: string | null = null) => ({
  prefixes, next, objects: keys.map((key) => ({ key, size: 1, modifiedMs: 0, storageClass: null })),
});

beforeEach(() => {
  sent.length = 0;
  for (const k of Object.keys(answers)) delete answers[k];
});

describe("the storage browser", () => {
  it("names its profile in every command it sends", async () => {
    const b = new Browser("far");
    answers.listContainers = [{ name: "runs", createdMs: null }];
    await b.load();
    answers.listFolder = page(["a/"], ["x"]);
    await b.open("runs", "");
    await b.details("x");
    await b.measure(["a/"]);
    await b.remove(["a/"]);
    await b.download(["x"], "/tmp");
    await b.createContainer("new", true, "STANDARD_IA");
    await b.deleteContainer("new");
    expect(sent.map(([name]) => name)).toEqual([
      "listContainers", "containerClasses", "containerVersioning", "listFolder", "objectDetails", "measureSelection",
      "deleteObjects", "startDownload", "createContainer", "deleteContainer",
    ]);
    expect(sent.find(([name]) => name === "createContainer")?.[1]).toEqual(["far", "new", true, "STANDARD_IA"]);
    for (const [name, args] of sent) expect(args[0], name).toBe("far");
  });

  it("knows whether the open container keeps versions, and sends each version command for it", async () => {
    const b = new Browser("far");
    answers.containerVersioning = "enabled";
    answers.listFolder = page([], ["ckpt.pt"]);
    await b.open("runs", "exp/");
    expect(b.keepsVersions).toBe(true);
    const version = { key: "exp/ckpt.pt", versionId: "v1", latest: false, deleteMarker: false, size: 1, modifiedMs: 0, etag: null, storageClass: null };
    sent.length = 0;
    await b.versions("exp/ckpt.pt");
    await b.restoreVersion("exp/ckpt.pt", "v1");
    await b.deleteVersion("exp/ckpt.pt", "v1");
    await b.downloadVersion("exp/ckpt.pt", version, "/tmp");
    await b.undelete("exp/ckpt.pt");
    await b.deleted();
    await b.shareLink("exp/ckpt.pt", 3600);
    for (const [name, args] of sent) expect(args.slice(0, 2), name).toEqual(["far", "runs"]);
    expect(sent.at(-2)?.[1]).toEqual(["far", "runs", "exp/"]);

    answers.containerVersioning = "unsupported";
    await b.open("other");
    expect(b.keepsVersions).toBe(false);
  });

  it("lists the rest of a folder when asked, so all of it is in order", async () => {
    const b = new Browser("near");
    answers.listFolder = page([], ["img_1", "img_10", "img_100"], "t1");
    await b.open("runs", "");
    const pages = [page([], ["img_2"], "t2"), page([], ["img_3"])];
    answers.listFolder = () => pages.shift();
    await b.listAll();
    expect(b.objects.map((o) => o.key)).toEqual(["img_1", "img_10", "img_100", "img_2", "img_3"]);
    expect(b.next).toBeNull();
  });

  it("counts a folder once, in the background, and says so until it knows", async () => {
    const b = new Browser("near");
    let answer: (size: unknown) => void = () => {};
    answers.measureSelection = () => new Promise((resolve) => (answer = resolve));
    b.count("runs", "a/");
    b.count("runs", "a/");
    expect(sizeText(b.sizes[sizeKey("runs", "a/")])).toBe("counting…");
    await Promise.resolve();
    answer({ objects: 3000, bytes: 1536 });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(sizeText(b.sizes[sizeKey("runs", "a/")])).toBe("3,000 objects · 1.5 KB");
    expect(sent.filter(([name]) => name === "measureSelection")).toEqual([["measureSelection", ["near", "runs", ["a/"]]]]);
  });

  it("stops offering versioning where the service refused it", async () => {
    const b = new Browser("near");
    answers.containerVersioning = "off";
    answers.listFolder = page([], []);
    await b.open("runs");
    answers.setVersioning = { code: "invalidInput", message: "Turning on versioning failed: this service does not offer it (NotImplemented).", field: null };
    await expect(b.turnOnVersioning()).rejects.toMatchObject({ code: "invalidInput" });
    expect(b.versioning).toBe("unsupported");
  });

  it("pages a folder and goes back up to the containers when it vanished", async () => {
    const b = new Browser("near");
    answers.listFolder = page([], ["1"], "token");
    await b.open("runs", "a/b/");
    answers.listFolder = page([], ["2"]);
    await b.load(true);
    expect(b.objects.map((o) => o.key)).toEqual(["1", "2"]);
    expect(sent.filter(([name]) => name === "listFolder")[1][1]).toEqual(["near", "runs", "a/b/", "token"]);
    expect(b.next).toBeNull();

    answers.listFolder = { code: "notFound", message: "The container runs does not exist.", field: null };
    answers.listContainers = [];
    await b.up();
    expect(b.container).toBeNull();
    expect(b.error).toBe("The container runs does not exist.");
  });

  it("grows a folder's rows in place page by page, and leaves out what a folder left meanwhile answers late", async () => {
    const b = new Browser("near");
    answers.listFolder = page([], ["a/1"], "more");
    await b.open("runs", "a/");
    const rows = b.objects;
    answers.listFolder = page(["a/x/"], ["a/2"], "again");
    await b.load(true);
    expect(b.objects, "the rows listed before are not copied").toBe(rows);
    expect([b.folders, b.objects.map((o) => o.key)]).toEqual([["a/x/"], ["a/1", "a/2"]]);

    let answerLate!: (answer: unknown) => void;
    answers.listFolder = () => new Promise((resolve) => (answerLate = resolve));
    const late = b.load(true);
    answers.listFolder = page([], ["b/1"]);
    await b.open("runs", "b/");
    answerLate(page([], ["a/3"]));
    await late;
    expect(b.objects.map((o) => o.key)).toEqual(["b/1"]);

    // A refresh of a folder left since (an upload into it finished) that answers after the next folder's first page.
    let answerRefresh!: (answer: unknown) => void;
    answers.listFolder = () => new Promise((resolve) => (answerRefresh = resolve));
    const refresh = b.load();
    answers.listFolder = page(["c/d/"], []);
    await b.open("runs", "c/");
    answerRefresh(page([], ["b/late"]));
    await refresh;
    expect([b.folders, b.objects, b.loading]).toEqual([["c/d/"], [], false]);
  });

  it("searches on the server page by page, and a folder change drops the search", async () => {
    const b = new Browser("near");
    answers.listFolder = page([], ["a/1"], "more");
    await b.open("runs", "a/");
    const found = (keys: string[], next: string | null) => ({ objects: page([], keys).objects, prefixes: [], scanned: 10_000, next });
    answers.searchObjects = found(["a/cat-1.jpg"], "k2");
    await b.searchServer("cat", true);
    expect(sent.at(-1)).toEqual(["searchObjects", ["near", "runs", "a/", "cat", true, null]]);
    answers.searchObjects = found(["a/x/cat-2.jpg"], null);
    await b.searchServer("cat", true, true);
    expect(sent.at(-1)?.[1].at(-1)).toBe("k2");
    expect(b.search?.found.objects.map((o) => o.key)).toEqual(["a/cat-1.jpg", "a/x/cat-2.jpg"]);
    expect(b.search?.found.scanned).toBe(20_000);
    expect(b.search?.found.next).toBeNull();

    // "Search all" reads on until nothing is left.
    const pages = [found(["a/1-cat"], "n1"), found([], "n2"), found(["a/3-cat"], null)];
    answers.searchObjects = () => pages.shift();
    await b.searchAll("cat", false);
    expect(b.search?.found.objects.map((o) => o.key)).toEqual(["a/1-cat", "a/3-cat"]);
    expect(b.search?.found.scanned).toBe(30_000);
    expect(b.search?.found.next).toBeNull();
    expect(sent.filter(([n]) => n === "searchObjects").at(-1)?.[1].at(-1)).toBe("n2");

    answers.listFolder = page([], ["b/1"], "p2");
    await b.open("runs", "b/");
    expect(b.search).toBeNull();
    answers.listFolder = page([], ["b/2"]);
    await b.load(true);
    expect(b.objects.map((o) => o.key), "a next page adds to the first").toEqual(["b/1", "b/2"]);
  });
});
