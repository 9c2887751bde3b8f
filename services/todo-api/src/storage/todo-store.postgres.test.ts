import { openPostgresTestDatabase } from "../test-utils.ts";
import { describeTodoStore } from "./todo-store.suite.ts";
import { describeTodoStoreDeadline } from "./todo-store-deadline.suite.ts";
import { describeTodoStoreInput } from "./todo-store-input.suite.ts";
import { describeTodoStoreOutbox } from "./todo-store-outbox.suite.ts";
import { describeTodoOwnership } from "./todo-store-ownership.suite.ts";

const BACKEND = "PostgreSQL (127.0.0.1:5432/test, a schema per run)";
describeTodoStore(BACKEND, openPostgresTestDatabase);
describeTodoStoreInput(BACKEND, openPostgresTestDatabase);
describeTodoStoreOutbox(BACKEND, openPostgresTestDatabase);
describeTodoOwnership(BACKEND, openPostgresTestDatabase);
describeTodoStoreDeadline(BACKEND, openPostgresTestDatabase);
