import { openPostgresTestDatabase } from "../test-utils.ts";
import { describeTodoStore } from "./todo-store.suite.ts";

describeTodoStore("PostgreSQL (127.0.0.1:5432/test, a schema per run)", openPostgresTestDatabase);
