import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderErrorsDoc } from "./errors-doc.ts";

/** docs/errors.md of the repository this script lives in. */
export const ERRORS_DOC_PATH = fileURLToPath(new URL("../../../docs/errors.md", import.meta.url));

// Run as a script (`node packages/errors/src/write-errors-doc.ts`), not when imported.
if (import.meta.main) {
  writeFileSync(ERRORS_DOC_PATH, renderErrorsDoc());
  console.log(`wrote ${ERRORS_DOC_PATH}`);
}
