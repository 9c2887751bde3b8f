export { login } from "./login.ts";
export { type IncidentResult, type ObservedResponse, replayIncident } from "./replay-incident.ts";
export { type LogLine, type ServiceProcess, startServiceProcess } from "./service-process.ts";
