import { describe, expect, test } from "vitest";
import { DASHBOARDS, DASHBOARDS_COMMAND, renderDashboard } from "./all-dashboards.ts";
import { readCommittedDashboards } from "./committed-dashboards.ts";

const committed = readCommittedDashboards();

describe("grafana/dashboards/*.json", () => {
  test("are exactly the dashboards the code defines, one file each", () => {
    expect(
      committed.map((each) => each.file),
      `observability/grafana/dashboards/ does not match observability/src/dashboards/all-dashboards.ts. Regenerate: ${DASHBOARDS_COMMAND}`,
    ).toEqual(DASHBOARDS.map((each) => `${each.name}.json`).sort());
  });

  test.each(DASHBOARDS.map((each) => [each.name, each] as const))(
    "%s.json is what the code builds",
    (name, { build }) => {
      const file = committed.find((each) => each.file === `${name}.json`);
      // Compared as data: Biome, not the generator, decides how the JSON is laid out.
      expect(
        file?.dashboard,
        `observability/grafana/dashboards/${name}.json is out of date with observability/src/dashboards/. Regenerate it: ${DASHBOARDS_COMMAND}`,
      ).toEqual(JSON.parse(renderDashboard(build())));
    },
  );
});
