// What the Storage view browses, for one profile: the containers, or one
// folder of a container page by page, and every storage command the view
// sends, each naming that profile.
import { commands, isIpcError, messageOf, type ContainerInfo, type DeleteReport, type ObjectInfo, type SelectionSize } from "./ipc";
import { parentOf } from "./path";

export class Browser {
  /** null: the list of containers; otherwise a folder inside this container. */
  container: string | null = $state(null);
  prefix = $state("");
  containers: ContainerInfo[] = $state([]);
  folders: string[] = $state([]);
  objects: ObjectInfo[] = $state([]);
  /** Where the next page starts; null when the folder is complete. */
  next: string | null = $state(null);
  loading = $state(true);
  error = $state("");

  constructor(readonly profile: string) {}

  /** Loads the containers or the folder's first page (`more`: the next page). */
  async load(more = false) {
    if (more && this.loading) return;
    this.loading = true;
    this.error = "";
    try {
      if (this.container === null) {
        this.containers = await commands.listContainers(this.profile);
      } else {
        const page = await commands.listFolder(this.profile, this.container, this.prefix, more ? this.next : null);
        this.folders = more ? [...this.folders, ...page.prefixes] : page.prefixes;
        this.objects = more ? [...this.objects, ...page.objects] : page.objects;
        this.next = page.next;
      }
    } catch (e) {
      // A container or folder that vanished: go back to the list.
      if (isIpcError(e) && e.code === "notFound" && this.container !== null) {
        this.container = null;
        this.prefix = "";
        this.containers = await commands.listContainers(this.profile).catch(() => []);
      }
      this.error = messageOf(e);
    } finally {
      this.loading = false;
    }
  }

  /** Shows a container's folder, or the containers (`null`). */
  open(container: string | null, prefix = "") {
    this.container = container;
    this.prefix = prefix;
    this.next = null;
    this.folders = [];
    this.objects = [];
    return this.load();
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

  createContainer(name: string): Promise<null> {
    return commands.createContainer(this.profile, name);
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
