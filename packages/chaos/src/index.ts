export {
  type ChaosEnv,
  type ChaosSettings,
  chaosEnvEntries,
  chaosSettings,
} from "./chaos-config.ts";
export {
  type ChaosControls,
  type ChaosControlsOptions,
  createChaosControls,
} from "./chaos-controls.ts";
export { type ChaosFaultKind, recordChaosFault } from "./chaos-fault.ts";
export { CHAOS_PATH, type ChaosRoutesOptions, chaosRoutes } from "./chaos-routes.ts";
export {
  type ActiveChaos,
  type ChaosFaults,
  type ChaosState,
  createChaosState,
} from "./chaos-state.ts";
export { type FaultInjectionOptions, faultInjection } from "./fault-injection.ts";
