// Storage classes as people read them: OVHcloud's names where the provider
// is OVHcloud, S3's otherwise, and a short badge for a list row.

/** A class worth a badge: anything but the default. */
export function classBadge(storageClass: string | null | undefined): string | null {
  if (!storageClass || storageClass === "STANDARD") return null;
  return (
    { STANDARD_IA: "IA", ONEZONE_IA: "One Zone IA", EXPRESS_ONEZONE: "High Perf.", INTELLIGENT_TIERING: "Tiering",
      GLACIER_IR: "Glacier IR", GLACIER: "Archive", DEEP_ARCHIVE: "Deep archive" } as Record<string, string>
  )[storageClass] ?? storageClass;
}

/** A link's lifetimes: from an hour to the 7 days S3 allows. */
export const LINK_LIFETIMES: { secs: number; label: string }[] = [
  { secs: 3600, label: "1 hour" },
  { secs: 6 * 3600, label: "6 hours" },
  { secs: 24 * 3600, label: "1 day" },
  { secs: 3 * 24 * 3600, label: "3 days" },
  { secs: 7 * 24 * 3600, label: "7 days (the most S3 allows)" },
];
