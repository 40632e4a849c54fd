import { beforeEach, describe, expect, it, vi } from "vitest";

// The IPC as the conflict questions see it: each command records what it was sent.
const sent: [string, unknown[]][] = [];
let saved = "ask";
vi.mock("./ipc", async (actual) => {
  const real = await actual<typeof import("./ipc")>();
  const commands = new Proxy({}, {
    get: (_, name: string) => async (...args: unknown[]) => {
      sent.push([name, args]);
      return name === "uploadExisting" ? saved : null;
    },
  });
  return { ...real, commands };
});

const { answer, questions, receive, uploadPolicy } = await import("./conflicts.svelte");

const asked = (id: number, key: string) => ({
  id, conflict: { key, path: `/home/me/${key}`, localSize: 1, remoteSize: 5, remoteModifiedMs: 0 },
});

beforeEach(() => {
  sent.length = 0;
  questions.open = [];
  questions.session = null;
  saved = "ask";
});

describe("conflict questions", () => {
  it("keep one open question per upload, the newest", () => {
    const open: ReturnType<typeof asked>[] = [];
    receive(open, asked(1, "a.pt"));
    receive(open, asked(2, "b.pt"));
    receive(open, asked(1, "c.pt"));
    expect(open.map((q) => [q.id, q.conflict.key])).toEqual([[1, "c.pt"], [2, "b.pt"]]);
  });

  it("send the answer for the upload that asked, and close its question", async () => {
    receive(questions.open, asked(3, "epoch-01.pt"));
    receive(questions.open, asked(4, "epoch-02.pt"));
    await answer(questions.open[0], { choice: "skip", forAll: false }, false);
    expect(sent).toEqual([["answerConflict", [3, { choice: "skip", forAll: false }]]]);
    expect(questions.open.map((q) => q.id)).toEqual([4]);
    expect(await uploadPolicy()).toBe("ask");
  });

  it("make a choice for the session the policy of later uploads, over the saved default", async () => {
    saved = "skip";
    expect(await uploadPolicy()).toBe("skip");
    receive(questions.open, asked(5, "epoch-03.pt"));
    await answer(questions.open[0], { choice: "overwrite", forAll: true }, true);
    expect(await uploadPolicy()).toBe("overwrite");
  });
});
