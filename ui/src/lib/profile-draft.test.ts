import { describe, expect, it } from "vitest";
import { describeBackend, draftFromProfile, emptyDraft, problemsByField, profileFromDraft } from "./profile-draft";
import type { Profile } from "./ipc";

describe("profile drafts", () => {
  it("derives the OVHcloud endpoint from the region", () => {
    const d = { ...emptyDraft("ovh"), name: "OVH", region: "sbg" };
    const p = profileFromDraft(d);
    expect(p.backend).toMatchObject({ kind: "s3", provider: "ovh", endpoint: "https://s3.sbg.io.cloud.ovh.net", region: "sbg" });
  });

  it("keeps an endpoint the user typed, and round-trips", () => {
    const d = { ...emptyDraft("ovh"), name: "OVH", endpoint: "http://127.0.0.1:3900", checksum: "crc32" as const, alias: "S3GRA" };
    const p = profileFromDraft(d);
    expect(p.backend).toMatchObject({ endpoint: "http://127.0.0.1:3900", checksum: { mode: "always", algorithm: "crc32" } });
    expect(p.datastoreAlias).toBe("S3GRA");
    expect(draftFromProfile(p)).toEqual({ ...d, accessKey: "", secretKey: "" });
  });

  it("reads an endpoint typed without a scheme as https", () => {
    const p = profileFromDraft({ ...emptyDraft("other"), name: "Ceph", endpoint: " s3.example.com ", region: "eu" });
    expect(p.backend).toMatchObject({ endpoint: "https://s3.example.com" });
  });

  it("maps a local folder", () => {
    const p = profileFromDraft({ ...emptyDraft("local"), name: "Disk", root: " /data/store " });
    expect(p).toEqual({ name: "Disk", backend: { kind: "local", root: "/data/store" }, datastoreAlias: null });
  });

  it("never reads a storage kind it does not know as S3", () => {
    const gcs = { name: "G", backend: { kind: "gcs", bucket: "b" }, datastoreAlias: null } as unknown as Profile;
    expect(() => draftFromProfile(gcs)).toThrow(/does not know the storage kind “gcs”/);
    expect(describeBackend(gcs.backend)).toMatch(/does not know the storage kind “gcs”/);
    const s3 = profileFromDraft({ ...emptyDraft("other"), name: "Ceph", endpoint: "https://s3.example.com", region: "eu" });
    expect(describeBackend(s3.backend)).toBe("S3 · https://s3.example.com · eu");
    expect(describeBackend({ kind: "local", root: "/d" })).toBe("Folder on this computer: /d");
  });

  it("shows one message per field", () => {
    const byField = problemsByField([
      { field: "name", message: "first" },
      { field: "name", message: "second" },
      { field: "region", message: "r" },
    ]);
    expect(byField).toEqual({ name: "first", region: "r" });
  });
});
