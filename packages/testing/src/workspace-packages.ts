import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root folder: the layout, not an import, like SERVICES_DIR's. */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** One workspace package: its name, folder and declared dependencies. */
export interface WorkspacePackage {
  name: string;
  /** Relative to the repository's root, e.g. `packages/http`. */
  dir: string;
  dependencies: readonly string[];
  devDependencies: readonly string[];
}

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

// The `packages:` list of pnpm-workspace.yaml: `- services/*` lines up to the next key.
function workspacePatterns(root: string): string[] {
  const text = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8");
  const list = /^packages:\n((?:\s+-\s+.+\n)+)/m.exec(text)?.[1] ?? "";
  return [...list.matchAll(/-\s+["']?([^"'\s]+)/g)].map((match) => match[1] ?? "");
}

function packageDirs(root: string, pattern: string): string[] {
  if (!pattern.endsWith("/*")) return [pattern];
  const parent = pattern.slice(0, -2);
  return readdirSync(join(root, parent), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `${parent}/${entry.name}`);
}

/** Every package pnpm-workspace.yaml names, read from its package.json. */
export function readWorkspacePackages(root: string = REPO_ROOT): WorkspacePackage[] {
  return workspacePatterns(root)
    .flatMap((pattern) => packageDirs(root, pattern))
    .filter((dir) => existsSync(join(root, dir, "package.json")))
    .map((dir) => {
      const manifest = JSON.parse(
        readFileSync(join(root, dir, "package.json"), "utf8"),
      ) as Manifest;
      return {
        name: manifest.name,
        dir,
        dependencies: Object.keys(manifest.dependencies ?? {}),
        devDependencies: Object.keys(manifest.devDependencies ?? {}),
      };
    });
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|js|mjs)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

// A package name after `from`, after a bare `import`, or in a dynamic `import(...)`; a subpath
// (`/testing`) counts as its package.
const WORKSPACE_IMPORT = /\b(?:from|import)\s*\(?\s*["'](@tracemesh\/[a-z0-9-]+)/g;

/** One import of a workspace package by name, where it is written. */
export interface WorkspaceImport {
  /** The package imported: `@tracemesh/http` for `@tracemesh/http/testing` too. */
  imported: string;
  /** Relative to the repository's root. */
  file: string;
}

/** The workspace packages the files of `src/` (tests included) import by name. */
export function workspaceImportsOf(pkg: WorkspacePackage, root = REPO_ROOT): WorkspaceImport[] {
  return sourceFiles(join(root, pkg.dir, "src")).flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(WORKSPACE_IMPORT)].map((match) => ({
      imported: match[1] ?? "",
      file: relative(root, file),
    })),
  );
}
