import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { REPO_ROOT } from "../config-files.ts";
import { readComposeFile } from "./compose-file.ts";
import { SERVICE_CONFIGS } from "./service-variables.ts";

const compose = readComposeFile();
const services = Object.entries(compose.services);

// name:version, the whole version (PostgreSQL's have two numbers, the others three; `v` first
// allowed), maybe with a variant: never a floating tag like `latest` or `17`.
const PINNED = /^[a-z0-9./-]+:v?(\d+)\.(\d+)(\.\d+)?(-[a-z0-9.]+)?$/;

function versionOf(image: string): number[] {
  const match = PINNED.exec(image);
  return match ? [Number(match[1]), Number(match[2])] : [];
}

describe("docker-compose.yml's images", () => {
  test("the three services are built from the repository's Dockerfile, one per service", () => {
    const built = services.filter(([, service]) => service.build);
    expect(built.map(([name]) => name).sort()).toEqual(Object.keys(SERVICE_CONFIGS).sort());
    for (const [name, service] of built) {
      expect(service.build?.context, name).toBe(".");
      expect(service.build?.args?.SERVICE, name).toBe(name);
      expect(service.image, `${name} is built, not pulled`).toBeUndefined();
    }
  });

  test.each(services.filter(([, service]) => !service.build))(
    "%s's image is pinned to a version",
    (_, service) => {
      expect(service.image).toMatch(PINNED);
    },
  );

  test("Grafana is the version the dashboards are generated for", () => {
    const manifest = JSON.parse(readFileSync(`${REPO_ROOT}observability/package.json`, "utf8")) as {
      devDependencies: Record<string, string>;
    };
    const sdk = manifest.devDependencies["@grafana/grafana-foundation-sdk"] ?? "";
    const [major, minor] = versionOf(compose.services.grafana?.image ?? "");
    expect(sdk.startsWith(`${major}.${minor}.`), `${sdk} against Grafana ${major}.${minor}`).toBe(
      true,
    );
  });

  test("k6 is 0.49.0 or later: the load scripts use k6 0.49's APIs", () => {
    const [major = 0, minor = 0] = versionOf(compose.services.load?.image ?? "");
    expect(compose.services.load?.image).toMatch(/^grafana\/k6:/);
    expect(major > 0 || minor >= 49).toBe(true);
  });
});
