// Object keys use "/" on every platform; these helpers turn a prefix into
// the folders a person sees.

export interface Crumb {
  label: string;
  prefix: string;
}

/** "train/cats/" -> [{train, "train/"}, {cats, "train/cats/"}] */
export function breadcrumbs(prefix: string): Crumb[] {
  const crumbs: Crumb[] = [];
  let acc = "";
  for (const part of prefix.split("/").slice(0, -1)) {
    acc += `${part}/`;
    crumbs.push({ label: part === "" ? "(empty name)" : part, prefix: acc });
  }
  return crumbs;
}

/** The name shown for a key or sub-prefix inside the folder `prefix`. */
export function nameIn(prefix: string, keyOrPrefix: string): string {
  const rest = keyOrPrefix.startsWith(prefix) ? keyOrPrefix.slice(prefix.length) : keyOrPrefix;
  const name = rest.endsWith("/") ? rest.slice(0, -1) : rest;
  return name === "" ? "(empty name)" : name;
}

/** The folder above `prefix`: "a/b/" -> "a/", "a/" -> "". */
export function parentOf(prefix: string): string {
  const trimmed = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  const at = trimmed.lastIndexOf("/");
  return at < 0 ? "" : trimmed.slice(0, at + 1);
}
