import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DASHBOARDS, DASHBOARDS_DIR, renderDashboard } from "./all-dashboards.ts";

const BIOME = fileURLToPath(new URL("../../../node_modules/.bin/biome", import.meta.url));

// Run as a script (`pnpm dashboards`), not when imported. Biome formats what JSON.stringify
// wrote, so the committed files pass `pnpm lint` as they come.
if (import.meta.main) {
  const files = DASHBOARDS.map(({ name, build }) => {
    const file = `${DASHBOARDS_DIR}${name}.json`;
    writeFileSync(file, renderDashboard(build()));
    return file;
  });
  execFileSync(BIOME, ["format", "--write", ...files], { stdio: "inherit" });
  for (const file of files) console.log(`wrote ${file}`);
}
