// What the Storage view browses, for one profile: the containers, or one
// folder of a container page by page, and every storage command the view
// sends, each naming that profile.
import {
  area, commands, isIpcError, messageOf, type ContainerInfo, type DeleteReport, type ListedObject, type ObjectInfo, type SearchPage, type SelectionSize,
  type ShareLink, type StorageClassChoice, type VersionInfo, type Versioning,
} from "./ipc";
import { counted, formatBytes } from "./format";
import { parentOf } from "./path";

/** What views other than the browser ask of storage: a profile's containers (a
 * sync's or a watch's destination) and a container's class. */
export const storageCommands = area("listContainers", "setContainerClass");

/** A folder's rows as listed so far; see `Browser.listed`. */
interface Listed {
  folders: string[];
  objects: ListedObject[];
}

function emptyListing(): Listed {
  return { folders: [], objects: [] };
}

/** `listed` with a page's rows pushed onto its arrays (in place, one by one:
 * a spread of a huge page could pass the engine's argument limit), as a new object. */
function appended(listed: Listed, folders: string[], objects: ListedObject[]): Listed {
  for (const folder of folders) listed.folders.push(folder);
  for (const object of objects) listed.objects.push(object);
  return { folders: listed.folders, objects: listed.objects };
}

/** Where `Browser.sizes` keeps the size of a folder. */
export function sizeKey(container: string, prefix: string): string {
  return `${container}/${prefix}`;
}

/** A folder's or container's size as a line says it: "counting…" until known. */
export function sizeText(size: SelectionSize | null | undefined): string {
  if (size === undefined) return "";
  if (size === null) return "counting…";
  return `${counted(size.objects, "object")} · ${formatBytes(size.bytes)}`;
}

/** A search on the server: what it looked for, what it found so far, where it goes on. */
export class Search {
  /** Raw, replaced page by page by an object over the same, grown arrays (see `Browser.listed`). */
  found: SearchPage = $state.raw({ objects: [], prefixes: [], scanned: 0, next: null });
  running = $state(true);

  constructor(readonly needle: string, readonly deep: boolean) {}
}

export class Browser {
  /** null: the list of containers; otherwise a folder inside this container. */
  container: string | null = $state(null);
  prefix = $state("");
  containers: ContainerInfo[] = $state([]);
  // Raw: a million listed objects are not each wrapped in a proxy. A page's
  // rows are pushed onto the arrays and `listed` replaced by a new object
  // holding the same arrays: a page costs its own rows, where copying the
  // arrays cost every row listed before, for every page (and left the copies
  // for the collector: the web view's peak at 1.28 million rows).
  private listed: Listed = $state.raw(emptyListing());
  get folders(): string[] { return this.listed.folders; }
  get objects(): ListedObject[] { return this.listed.objects; }
  /** Where the next page starts; null when the folder is complete. */
  next: string | null = $state(null);
  loading = $state(true);
  error = $state("");
  /** A search of the folder (or below it) on the server; null while the filter only narrows what is listed. */
  search: Search | null = $state.raw(null);
  /** The open container's versioning; null until known (or in the containers list). */
  versioning: Versioning | null = $state(null);
  /** The storage class of each container that has one (Stowage's choice for its uploads). */
  classes: Partial<Record<string, string>> = $state({});

  constructor(readonly profile: string) {}

  /** The latest load: one that answers after a later one started (a
   * refresh of a folder left since, a page of it) is dropped, not shown in
   * place of what is open now. */
  private latest = 0;

  /** Loads the containers or the folder's first page (`more`: the next page). */
  async load(more = false) {
    if (more && this.loading) return;
    const load = ++this.latest;
    const superseded = () => load !== this.latest;
    this.loading = true;
    this.error = "";
    try {
      if (this.container === null) {
        const containers = await commands.listContainers(this.profile);
        const classes = await commands.containerClasses(this.profile);
        if (superseded()) return;
        [this.containers, this.classes] = [containers, classes];
      } else {
        const page = await commands.listFolder(this.profile, this.container, this.prefix, more ? this.next : null);
        if (superseded()) return;
        this.listed = appended(more ? this.listed : emptyListing(), page.prefixes, page.objects);
        this.next = page.next;
      }
    } catch (e) {
      if (superseded()) return;
      // A container or folder that vanished: go back to the list.
      if (isIpcError(e) && e.code === "notFound" && this.container !== null) {
        this.container = null;
        this.prefix = "";
        this.containers = await commands.listContainers(this.profile).catch(() => []);
      }
      this.error = messageOf(e);
    } finally {
      if (!superseded()) this.loading = false;
    }
  }

  /** Lists the rest of the folder, page after page, so that all of it is shown in order. */
  async listAll() {
    const folder = [this.container, this.prefix];
    const same = () => this.container === folder[0] && this.prefix === folder[1];
    while (same() && this.next !== null && !this.error) await this.load(true);
  }

  /** What each folder holds ("container/prefix"; "" the whole container), below it too: counted in the
   * background, null while counting, absent when not asked for or it could not be counted. */
  sizes: Partial<Record<string, SelectionSize | null>> = $state({});
  /** Counting one folder at a time: a profile's containers are counted in turn, not all at once. */
  private counting: Promise<unknown> = Promise.resolve();

  /** Counts the objects and bytes of `prefix` in `container` (once; `again` to count anew). */
  count(container: string, prefix: string, again = false) {
    const at = sizeKey(container, prefix);
    if (at in this.sizes && !again) return;
    this.sizes[at] = null;
    this.counting = this.counting.then(() =>
      commands.measureSelection(this.profile, container, [prefix]).then(
        (size) => (this.sizes[at] = size),
        () => delete this.sizes[at],
      ));
  }

  /** Searches the folder (`deep`: and below it) for names containing `needle`; `more` goes on from where it stopped. */
  async searchServer(needle: string, deep: boolean, more = false) {
    const previous = more ? this.search : null;
    const search = previous ?? new Search(needle, deep);
    this.search = search;
    search.running = true;
    try {
      const page = await commands.searchObjects(this.profile, this.container!, this.prefix, needle, deep, previous?.found.next ?? null);
      if (this.search !== search) return; // superseded by another search or a folder change
      const { folders, objects } = appended({ folders: search.found.prefixes, objects: search.found.objects }, page.prefixes, page.objects);
      search.found = { objects, prefixes: folders, scanned: search.found.scanned + page.scanned, next: page.next };
    } catch (e) {
      this.error = messageOf(e);
    } finally {
      search.running = false;
    }
  }

  /** Searches on until every key was read (or another search or folder replaced this one). */
  async searchAll(needle: string, deep: boolean) {
    if (this.search?.needle !== needle || this.search.deep !== deep) await this.searchServer(needle, deep);
    const search = this.search;
    while (search && this.search === search && search.found.next !== null && !this.error) {
      await this.searchServer(needle, deep, true);
    }
  }

  /** Shows a container's folder, or the containers (`null`). */
  open(container: string | null, prefix = "") {
    this.search = null;
    this.container = container;
    this.prefix = prefix;
    this.next = null;
    this.listed = emptyListing();
    if (container !== this.versioningOf) this.loadVersioning(container);
    return this.load();
  }

  /** Which container `versioning` is about. */
  private versioningOf: string | null = null;

  private async loadVersioning(container: string | null) {
    this.versioningOf = container;
    this.versioning = null;
    if (container === null) return;
    const versioning = await commands.containerVersioning(this.profile, container).catch(() => "unsupported" as const);
    if (this.versioningOf === container) this.versioning = versioning;
  }

  /** Whether the open container keeps versions (so deleted objects can come back). */
  get keepsVersions(): boolean {
    return this.versioning === "enabled" || this.versioning === "suspended";
  }

  async turnOnVersioning() {
    try {
      await commands.setVersioning(this.profile, this.container!, true);
    } catch (e) {
      // A service without versions refuses (NotImplemented): it is not offered again.
      if (isIpcError(e) && e.code === "invalidInput") this.versioning = "unsupported";
      throw e;
    }
    this.versioning = "enabled";
  }

  shareLink(key: string, expiresSecs: number): Promise<ShareLink> {
    return commands.shareLink(this.profile, this.container!, key, expiresSecs);
  }

  versions(key: string): Promise<VersionInfo[]> {
    return commands.objectVersions(this.profile, this.container!, key);
  }

  /** Objects deleted from the folder in view that can come back. */
  deleted(): Promise<VersionInfo[]> {
    return commands.deletedObjects(this.profile, this.container!, this.prefix);
  }

  restoreVersion(key: string, versionId: string): Promise<null> {
    return commands.restoreVersion(this.profile, this.container!, key, versionId);
  }

  deleteVersion(key: string, versionId: string): Promise<null> {
    return commands.deleteVersion(this.profile, this.container!, key, versionId);
  }

  /** Writes one version into the folder `dest`, named with its date; the path. */
  downloadVersion(key: string, version: VersionInfo, dest: string): Promise<string> {
    return commands.downloadVersion(this.profile, this.container!, key, version, dest);
  }

  undelete(key: string): Promise<VersionInfo> {
    return commands.undeleteObject(this.profile, this.container!, key);
  }

  storageClasses(): Promise<StorageClassChoice[]> {
    return commands.storageClasses(this.profile);
  }

  /** One folder up; from a container's top, the containers. */
  up() {
    return this.open(this.prefix === "" ? null : this.container, this.prefix === "" ? "" : parentOf(this.prefix));
  }

  details(key: string): Promise<ObjectInfo> {
    return commands.objectDetails(this.profile, this.container!, key);
  }

  measure(selection: string[]): Promise<SelectionSize> {
    return commands.measureSelection(this.profile, this.container!, selection);
  }

  remove(selection: string[]): Promise<DeleteReport> {
    return commands.deleteObjects(this.profile, this.container!, selection);
  }

  /** Downloads keys and folders of this folder into `dest`; a name clash gets "name (1).ext". */
  download(selection: string[], dest: string): Promise<number> {
    return commands.startDownload(this.profile, this.container!, this.prefix, selection, dest, "keepBoth");
  }

  createContainer(name: string, versioning = false, storageClass: string | null = null): Promise<null> {
    return commands.createContainer(this.profile, name, versioning, storageClass);
  }

  /** Whether `container` holds no object at all (one listing page says it). */
  async isEmpty(container: string): Promise<boolean> {
    const page = await commands.listFolder(this.profile, container, "", null);
    return page.objects.length === 0 && page.prefixes.length === 0;
  }

  deleteContainer(name: string): Promise<null> {
    return commands.deleteContainer(this.profile, name);
  }
}
