import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { ERROR_CATALOG, ERROR_CODES } from "./catalog.ts";
import { ERRORS_DOC_COMMAND, renderErrorsDoc } from "./errors-doc.ts";
import { ERRORS_DOC_PATH } from "./write-errors-doc.ts";

describe("docs/errors.md", () => {
  test("is what the catalog renders", () => {
    const committed = readFileSync(ERRORS_DOC_PATH, "utf8");
    expect(
      committed === renderErrorsDoc(),
      `docs/errors.md is out of date with packages/errors/src/catalog.ts. Regenerate it: ${ERRORS_DOC_COMMAND}`,
    ).toBe(true);
  });

  test("documents every code: status, retryable, meaning, client action, both messages", () => {
    const doc = renderErrorsDoc();
    for (const code of ERROR_CODES) {
      const { status, retryable, messages, meaning, clientAction } = ERROR_CATALOG[code];
      const section = doc.slice(doc.indexOf(`### ${code}\n`)).split("\n### ")[0] ?? "";
      expect(section).toContain(`HTTP ${status} · retryable: ${retryable ? "yes" : "no"}`);
      for (const text of [meaning, clientAction, messages.en, messages.fr])
        expect(section).toContain(text);
    }
  });
});
