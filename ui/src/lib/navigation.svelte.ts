// Where one view sends the person in another: a job's outputs opened in
// Storage or in Sync, a launched job selected in Jobs. The target view reads
// (and clears) its entry when it opens.
import type { Workload } from "./ipc";

export const pending = $state({
  storage: null as { container: string; prefix: string } | null,
  sync: null as { container: string; prefix: string } | null,
  job: null as { kind: Workload; id: string } | null,
});
