// The launch form's reading of flavors: what a unit is, and a line a
// person can choose from.
import type { Flavor } from "./ipc";
import { formatBytes } from "./format";

/** Which count a spec gives with this flavor (GPUs unless it is a CPU flavor). */
export function unitsOf(flavor: Flavor | undefined): "GPUs" | "CPUs" {
  return flavor?.type === "cpu" ? "CPUs" : "GPUs";
}

/** "l40s-1-gpu · L40S 48 GB · up to 4", "ai1-1-cpu · 1 CPU, 4.0 GB each · up to 12". */
export function flavorLabel(f: Flavor): string {
  const gpu = f.gpuInformation;
  const per = f.resourcesPerUnit;
  const what = gpu
    ? [gpu.gpuModel, gpu.gpuMemory ? formatBytes(gpu.gpuMemory) : null].filter(Boolean).join(" ")
    : per?.cpu
      ? `${per.cpu} CPU${per.memory ? `, ${formatBytes(per.memory)}` : ""} each`
      : (f.description ?? "");
  return [f.id, what, f.max ? `up to ${f.max}` : null, f.default ? "default" : null].filter(Boolean).join(" · ");
}
