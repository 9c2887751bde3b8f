export { login } from "./login.ts";
export { type IncidentResult, type ObservedResponse, replayIncident } from "./replay-incident.ts";
export { burstPhase, type ReplayPlan, readReplayPlan } from "./replay-plan.ts";
