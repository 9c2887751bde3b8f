export { type AppDeps, createApp } from "./app.ts";
export { ROLE_PERMISSIONS } from "./authorization/policy.ts";
export { type Config, ConfigSchema, loadConfig } from "./config.ts";
export type { Role, User } from "./users/user.ts";
