export { type AppDeps, createApp } from "./app.ts";
export {
  AUTH_DEPENDENCY,
  type AuthClient,
  type AuthClientOptions,
  type AuthDecision,
  createAuthClient,
  type TodoAction,
} from "./auth/auth-client.ts";
export { DEGRADED_ATTRIBUTE, DEGRADED_HEADER, type Principal } from "./auth/authorize.ts";
export { type Authorization, type Authorizer, createAuthorizer } from "./auth/authorizer.ts";
export { createDecisionCache, type DecisionCache } from "./auth/decision-cache.ts";
export { type Config, loadConfig } from "./config.ts";
export { loadMigrations, runMigrations } from "./storage/migrate.ts";
export { createPgClient, type PgClientOptions } from "./storage/pg-client.ts";
export { createPgliteClient, type PgliteClientOptions } from "./storage/pglite-client.ts";
export type { SqlClient, SqlExecutor, SqlResult } from "./storage/sql-client.ts";
export type { NewTodo, Todo, TodoPage, TodoPatch } from "./storage/todo.ts";
export { createTodoStore, type TodoStore } from "./storage/todo-store.ts";
