// The bandwidth limit, as rclone writes it ("10M", "512k", "10M:1M",
// "08:00,5M 19:00,off"): the app's, shared by Settings and Transfers, and
// each running transfer's own. Rust parses and checks; this reads it back
// for people.
import { commands } from "./ipc";

/** Limits the menus offer; anything else is typed in Settings. */
export const PRESETS = ["off", "1M", "5M", "10M", "20M", "50M", "100M"] as const;

export const bandwidth = $state({ limit: "off", loaded: false });

export async function loadLimit() {
  bandwidth.limit = await commands.bandwidthLimit();
  bandwidth.loaded = true;
}

/** Sets and saves the app's limit; throws the sentence Rust says for a bad one. */
export async function setLimit(text: string) {
  bandwidth.limit = await commands.setBandwidthLimit(text);
}

/** This transfer's own limit ("off" lifts it), below the app's. */
export function setTransferLimit(id: number, text: string): Promise<string> {
  return commands.setTransferLimit(id, text);
}

/** "10M" → "10 MiB/s", "512k" → "512 KiB/s", "off" → "no limit". */
export function rateText(rate: string): string {
  if (rate === "off") return "no limit";
  const match = /^(\d+(?:\.\d+)?)([kMG]|B)?$/.exec(rate);
  if (!match) return rate;
  const unit = { k: "KiB/s", M: "MiB/s", G: "GiB/s", B: "B/s" }[match[2] ?? "k"];
  return `${match[1]} ${unit}`;
}

/** A limit as a sentence: "No limit", "10 MiB/s", "↑ 10 MiB/s ↓ 1 MiB/s", "08:00 5 MiB/s · 19:00 no limit". */
export function describeLimit(limit: string): string {
  if (limit === "off" || limit.trim() === "") return "No limit";
  const pair = (rates: string) => {
    const [up, down] = rates.split(":");
    return down === undefined ? rateText(up) : `↑ ${rateText(up)} ↓ ${rateText(down)}`;
  };
  if (!limit.includes(",")) return pair(limit);
  return limit
    .split(/\s+/)
    .map((slot) => {
      const [at, rates] = slot.split(",");
      return `${at} ${pair(rates)}`;
    })
    .join(" · ");
}
