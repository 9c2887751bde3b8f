export { type AppDeps, createApp } from "./app.ts";
export { type Config, ConfigError, parseConfig } from "./config.ts";
export { loadMigrations, runMigrations } from "./storage/migrate.ts";
export { createPgClient, type PgClientOptions } from "./storage/pg-client.ts";
export { createPgliteClient, type PgliteClientOptions } from "./storage/pglite-client.ts";
export type { SqlClient, SqlExecutor, SqlResult } from "./storage/sql-client.ts";
export type { NewTodo, Todo, TodoPage, TodoPatch } from "./storage/todo.ts";
export { createTodoStore, type TodoStore } from "./storage/todo-store.ts";
