// Searching a job's log lines: the lines that contain the query (any case),
// each cut into the parts to highlight.

export type Part = { text: string; match: boolean };

export function matchLines(lines: string[], query: string): Part[][] {
  const needle = query.trim().toLowerCase();
  if (!needle) return lines.map((text) => [{ text, match: false }]);
  const found: Part[][] = [];
  for (const line of lines) {
    const lower = line.toLowerCase();
    let at = lower.indexOf(needle);
    if (at < 0) continue;
    const parts: Part[] = [];
    let from = 0;
    while (at >= 0) {
      if (at > from) parts.push({ text: line.slice(from, at), match: false });
      parts.push({ text: line.slice(at, at + needle.length), match: true });
      from = at + needle.length;
      at = lower.indexOf(needle, from);
    }
    if (from < line.length) parts.push({ text: line.slice(from), match: false });
    found.push(parts);
  }
  return found;
}
