import { describe, expect, test } from "vitest";
import { readComposeFile } from "./compose-file.ts";
import { validateComposeSpec } from "./compose-spec.ts";
import { composeSpecSchemaPath, runDockerCompose } from "./docker-compose.ts";

describe("docker-compose.yml, checked by docker-compose and the Compose specification", () => {
  test("docker-compose config accepts it", async () => {
    const run = await runDockerCompose(["config", "--quiet"]);
    expect(run.output).toBe("");
    expect(run.code, run.output).toBe(0);
  });

  test("it follows the Compose specification's JSON schema that docker-compose ships", async () => {
    const violations = await validateComposeSpec(readComposeFile(), await composeSpecSchemaPath());
    expect(violations).toEqual([]);
  });

  test("the schema check's verdict is real: a misspelt key and a bad duration fail it", async () => {
    const compose = readComposeFile();
    const auth = { ...compose.services.auth, helthcheck: { interval: "5 seconds" } };
    const todoApi = { ...compose.services["todo-api"], stop_grace_period: "15 seconds" };
    const broken = { ...compose, services: { ...compose.services, auth, "todo-api": todoApi } };
    const violations = await validateComposeSpec(broken, await composeSpecSchemaPath());
    expect(violations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: "/services/auth" }),
        expect.objectContaining({ path: "/services/todo-api/stop_grace_period" }),
      ]),
    );
  });
});
