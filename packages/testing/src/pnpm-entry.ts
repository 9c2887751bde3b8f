import { existsSync, readFileSync, realpathSync } from "node:fs";
import { delimiter, join } from "node:path";
import { TEST_NPM_EXECPATH, TEST_PATH } from "./test-env.ts";

/**
 * pnpm's JavaScript entry: the one running the tests (npm_execpath), or the one on PATH. Run as
 * `node <entry> <script>`, it is what a user's `pnpm <script>` runs.
 */
export function pnpmEntry(): string {
  if (TEST_NPM_EXECPATH?.includes("pnpm")) return TEST_NPM_EXECPATH;
  const onPath = TEST_PATH.split(delimiter)
    .map((dir) => join(dir, "pnpm"))
    .find((file) => existsSync(file));
  if (!onPath) throw new Error("pnpm is neither running these tests nor on PATH");
  const entry = realpathSync(onPath);
  if (!readFileSync(entry, "utf8").startsWith("#!")) throw new Error(`${entry} is not a script`);
  return entry;
}
