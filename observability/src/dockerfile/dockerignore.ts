import { readFileSync } from "node:fs";
import { posix } from "node:path";

/** One line of a .dockerignore: a pattern, and whether it excludes or (`!`) includes again. */
export interface DockerignoreRule {
  pattern: string;
  negated: boolean;
  regex: RegExp;
}

// Docker's pattern language (Go's filepath.Match plus `**`): `*` and `?` within one path
// segment, dot files included, `**` across any number of segments. Character classes are not
// used here and are refused rather than misread.
function toRegex(pattern: string): RegExp {
  if (/[[\]\\]/.test(pattern)) throw new Error(`${pattern}: character classes are not supported`);
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] ?? "";
    if (pattern.startsWith("**/", i)) {
      source += "(.*/)?";
      i += 2;
    } else if (pattern.startsWith("**", i)) {
      source += ".*";
      i += 1;
    } else if (char === "*") source += "[^/]*";
    else if (char === "?") source += "[^/]";
    else source += char.replace(/[.+^${}()|]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

/** Parses a .dockerignore's text: comments and blank lines left out, patterns cleaned. */
export function parseDockerignore(text: string): DockerignoreRule[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const negated = line.startsWith("!");
      const pattern = posix.normalize(line.slice(negated ? 1 : 0).trim()).replace(/^\/|\/$/g, "");
      return { pattern, negated, regex: toRegex(pattern) };
    });
}

/** Reads and parses a .dockerignore file. */
export function readDockerignore(file: string): DockerignoreRule[] {
  return parseDockerignore(readFileSync(file, "utf8"));
}

// A pattern matches a path or any folder above it: excluding `node_modules` excludes its files.
function matches(rule: DockerignoreRule, path: string): boolean {
  const segments = path.split("/");
  return segments.some((_, i) => rule.regex.test(segments.slice(0, i + 1).join("/")));
}

/** Whether Docker leaves `path` (relative to the context, `/`-separated) out of the context. */
export function isExcluded(rules: DockerignoreRule[], path: string): boolean {
  let excluded = false;
  for (const rule of rules) {
    if (matches(rule, path)) excluded = !rule.negated;
  }
  return excluded;
}

/**
 * Whether anything below an excluded folder may be sent all the same: only a `!` pattern that
 * names a path inside it, or starts with a wildcard, can include something there again.
 */
export function mayIncludeBelow(rules: DockerignoreRule[], folder: string): boolean {
  return rules.some(
    (rule) => rule.negated && (rule.pattern.startsWith(`${folder}/`) || /^[*?]/.test(rule.pattern)),
  );
}
