import { fileURLToPath } from "node:url";

// The repository's layout, not imports: the mesh runs the services and reads the configs.

/** The repository's root folder. */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** `observability/`: the Prometheus and Alertmanager configs every way of running shares. */
export const OBSERVABILITY_DIR = fileURLToPath(new URL("../../../observability/", import.meta.url));
