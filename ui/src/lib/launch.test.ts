import { describe, expect, it } from "vitest";
import { flavorLabel, unitsOf } from "./launch";

const GIB = 1024 ** 3;

describe("flavors in the launch form", () => {
  it("count GPUs, or CPUs for a CPU flavor", () => {
    expect(unitsOf({ id: "l40s-1-gpu", type: "gpu" })).toBe("GPUs");
    expect(unitsOf({ id: "ai1-1-cpu", type: "cpu" })).toBe("CPUs");
    expect(unitsOf(undefined)).toBe("GPUs");
  });

  it("read as a line to choose from", () => {
    expect(flavorLabel({ id: "l40s-1-gpu", type: "gpu", max: 4, gpuInformation: { gpuBrand: "NVIDIA", gpuModel: "L40S", gpuMemory: 48 * GIB } }))
      .toBe("l40s-1-gpu · L40S 48 GB · up to 4");
    expect(flavorLabel({ id: "ai1-1-cpu", type: "cpu", max: 12, default: true, resourcesPerUnit: { cpu: 1, memory: 4 * GIB } }))
      .toBe("ai1-1-cpu · 1 CPU, 4.0 GB each · up to 12 · default");
  });
});
