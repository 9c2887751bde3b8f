import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { expect, test } from "vitest";
import { REPO_ROOT } from "./workspace-packages.ts";

// Comments, tests and configs point into the repository's own docs (docs/architecture.md and
// its section anchors) or say the why in place: a reader of the code has no other document.

const ROOTS = ["services", "packages", "tools", "observability", "load"];
// A section of a design document, or a numbered rule of a style guide, that is not in the repo.
const OUTSIDE_REFERENCE = /DESIGN(?: §|'s)|STYLE \d/;
const MAX_BYTES = 1_048_576;

/** Every file under `dir`, but node_modules, dot folders (state, caches) and large files. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === "node_modules" || entry.name.startsWith(".") ? [] : filesUnder(path);
    }
    return entry.isFile() && statSync(path).size <= MAX_BYTES ? [path] : [];
  });
}

test("no file cites a section of a document outside the repository", () => {
  const found: string[] = [];
  for (const file of ROOTS.flatMap((root) => filesUnder(join(REPO_ROOT, root)))) {
    const name = relative(REPO_ROOT, file);
    const text = readFileSync(file, "utf8");
    if (text.includes("\u0000") || !OUTSIDE_REFERENCE.test(text)) continue;
    text.split("\n").forEach((line, index) => {
      if (OUTSIDE_REFERENCE.test(line)) found.push(`${name}:${index + 1}: ${line.trim()}`);
    });
  }
  expect(found).toEqual([]);
});

/** GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} -]/gu, "")
    .replace(/ /g, "-");
}

test("every pointer into docs/architecture.md names one of its sections", () => {
  const architecture = readFileSync(join(REPO_ROOT, "docs/architecture.md"), "utf8");
  const anchors = new Set(
    [...architecture.matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf(match[1] ?? "")),
  );
  const files = [...ROOTS, "docs"].flatMap((root) => filesUnder(join(REPO_ROOT, root)));
  const broken: string[] = [];
  for (const file of [...files, join(REPO_ROOT, "README.md")]) {
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/architecture\.md#([\w-]+)/g)) {
      if (!anchors.has(match[1] ?? "")) broken.push(`${relative(REPO_ROOT, file)}: #${match[1]}`);
    }
  }
  expect(anchors).toContain("the-queue-hop");
  expect(broken).toEqual([]);
});
