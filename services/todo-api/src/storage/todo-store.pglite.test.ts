import { openPgliteTestDatabase } from "../test-utils.ts";
import { describeTodoStore } from "./todo-store.suite.ts";
import { describeTodoStoreDeadline } from "./todo-store-deadline.suite.ts";
import { describeTodoStoreInput } from "./todo-store-input.suite.ts";
import { describeTodoStoreOutbox } from "./todo-store-outbox.suite.ts";
import { describeTodoOwnership } from "./todo-store-ownership.suite.ts";

describeTodoStore("PGlite (memory://)", openPgliteTestDatabase);
describeTodoStoreInput("PGlite (memory://)", openPgliteTestDatabase);
describeTodoStoreOutbox("PGlite (memory://)", openPgliteTestDatabase);
describeTodoOwnership("PGlite (memory://)", openPgliteTestDatabase);
describeTodoStoreDeadline("PGlite (memory://)", openPgliteTestDatabase);
