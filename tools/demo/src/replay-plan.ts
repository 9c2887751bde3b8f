import { readFileSync } from "node:fs";
import * as v from "valibot";

const Rate = v.pipe(v.number(), v.minValue(0), v.maxValue(1000));
const Seconds = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3600));

const ReplayPlanSchema = v.object({
  /** CRUD requests a second, all through the replay. */
  crud: v.object({ requestsPerSecond: Rate }),
  /** In order: how long each lasts and how many GET /error a second it adds. */
  phases: v.pipe(
    v.array(v.object({ name: v.string(), seconds: Seconds, errorsPerSecond: Rate })),
    v.minLength(1),
  ),
  /** The alert the burst must fire, and how soon after the burst starts. */
  alert: v.object({ name: v.string(), service: v.string(), firesWithinSeconds: Seconds }),
});

export type ReplayPlan = v.InferOutput<typeof ReplayPlanSchema>;
export type ReplayPhase = ReplayPlan["phases"][number];

/** load/replay.json: the one definition of the incident replay, which k6's incident.js reads too. */
export const REPLAY_PLAN_URL = new URL("../../../load/replay.json", import.meta.url);

/** Reads and checks the incident's phases, rates and alert (the file's `incident`). */
export function readReplayPlan(url: URL = REPLAY_PLAN_URL): ReplayPlan {
  const file = JSON.parse(readFileSync(url, "utf8")) as { incident?: unknown };
  return v.parse(ReplayPlanSchema, file.incident);
}

/** The first phase that sends GET /error: the burst. */
export function burstPhase(plan: ReplayPlan): ReplayPhase | undefined {
  return plan.phases.find((phase) => phase.errorsPerSecond > 0);
}
