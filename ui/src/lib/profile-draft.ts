// The profile form's state, and how it maps to and from a Profile. Keys are
// typed into the form and sent once; they are never read back.
import type { Backend, ChecksumAlgorithm, Field, Problem, Profile } from "./ipc";

export type ProviderChoice = "ovh" | "other" | "local";

export interface Draft {
  name: string;
  provider: ProviderChoice;
  region: string;
  /** Empty for OVHcloud means "the region's endpoint". */
  endpoint: string;
  root: string;
  pathStyle: boolean;
  checksum: "whenRequired" | ChecksumAlgorithm;
  alias: string;
  accessKey: string;
  secretKey: string;
}

export function ovhEndpoint(region: string): string {
  return `https://s3.${region}.io.cloud.ovh.net`;
}

export function emptyDraft(provider: ProviderChoice = "ovh"): Draft {
  return {
    name: "",
    provider,
    region: provider === "ovh" ? "gra" : "",
    endpoint: "",
    root: "",
    pathStyle: false,
    checksum: "whenRequired",
    alias: "",
    accessKey: "",
    secretKey: "",
  };
}

/**
 * What is said of a storage kind this window was not built for (a new
 * `Backend` variant with no form yet): it is never read as S3. Typed
 * `never`, so a variant added in Rust fails the UI's type check until every
 * switch over kinds handles it.
 */
export function unknownBackend(backend: never): string {
  const kind = (backend as { kind?: unknown })?.kind;
  return `This window does not know the storage kind “${String(kind)}”; update Stowage.`;
}

export function draftFromProfile(p: Profile): Draft {
  const b: Backend = p.backend;
  switch (b.kind) {
    case "local":
      return { ...emptyDraft("local"), name: p.name, alias: p.datastoreAlias ?? "", root: b.root };
    case "s3": {
      const draft = emptyDraft(b.provider === "ovh" ? "ovh" : "other");
      draft.name = p.name;
      draft.alias = p.datastoreAlias ?? "";
      draft.region = b.region;
      const derived = b.provider === "ovh" && b.endpoint === ovhEndpoint(b.region);
      draft.endpoint = derived ? "" : b.endpoint;
      // Both have serde defaults, so the bindings mark them optional.
      draft.pathStyle = b.pathStyle ?? false;
      const checksum = b.checksum;
      draft.checksum = checksum?.mode === "always" ? checksum.algorithm : "whenRequired";
      return draft;
    }
    default:
      throw new Error(unknownBackend(b));
  }
}

/** One line saying where a profile's containers are. */
export function describeBackend(b: Backend): string {
  switch (b.kind) {
    case "local":
      return `Folder on this computer: ${b.root}`;
    case "s3":
      return `${b.provider === "ovh" ? "OVHcloud" : "S3"} · ${b.endpoint} · ${b.region}`;
    default:
      return unknownBackend(b);
  }
}

/** The endpoint the profile will use. */
export function effectiveEndpoint(d: Draft): string {
  if (d.provider === "ovh" && d.endpoint.trim() === "") return ovhEndpoint(d.region);
  const typed = d.endpoint.trim();
  // "s3.example.com" means https://s3.example.com, as a browser reads it.
  return typed !== "" && !typed.includes("://") ? `https://${typed}` : typed;
}

export function profileFromDraft(d: Draft): Profile {
  const datastoreAlias = d.alias.trim() === "" ? null : d.alias.trim();
  if (d.provider === "local") {
    return { name: d.name, backend: { kind: "local", root: d.root.trim() }, datastoreAlias };
  }
  return {
    name: d.name,
    backend: {
      kind: "s3",
      provider: d.provider === "ovh" ? "ovh" : "other",
      endpoint: effectiveEndpoint(d),
      region: d.region.trim(),
      pathStyle: d.pathStyle,
      checksum: d.checksum === "whenRequired" ? { mode: "whenRequired" } : { mode: "always", algorithm: d.checksum },
    },
    datastoreAlias,
  };
}

/** The first problem for each field, for showing next to it. */
export function problemsByField(problems: Problem[]): Partial<Record<Field, string>> {
  const out: Partial<Record<Field, string>> = {};
  for (const p of problems) out[p.field] ??= p.message;
  return out;
}
