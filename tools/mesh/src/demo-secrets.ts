import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./repo-paths.ts";

/** The public secrets of the demo (demo-secrets/README.md): never for a real deployment. */
export interface DemoSecrets {
  chaosToken: string;
  serviceToken: string;
  alertsToken: string;
}

const read = (file: string) =>
  readFileSync(join(REPO_ROOT, "demo-secrets", file), "utf8")
    .split("\n")[0]
    ?.trim() ?? "";

/** Reads demo-secrets/, the one place `pnpm demo`, docker compose and k6 take them from. */
export function readDemoSecrets(): DemoSecrets {
  return {
    chaosToken: read("chaos-token"),
    serviceToken: read("service-token"),
    alertsToken: read("alerts-token"),
  };
}
