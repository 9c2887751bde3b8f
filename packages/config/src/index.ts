export { type ConfigExit, configOrExit } from "./config-or-exit.ts";
export {
  envChoice,
  envFlag,
  envInteger,
  envPort,
  envSecret,
  envText,
  envUrl,
} from "./env-values.ts";
export { ConfigError, parseEnv } from "./parse-env.ts";
