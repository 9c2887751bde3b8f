import { openPgliteTestDatabase } from "../test-utils.ts";
import { describeTodoStore } from "./todo-store.suite.ts";

describeTodoStore("PGlite (memory://)", openPgliteTestDatabase);
