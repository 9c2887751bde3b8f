import { openPgliteTestDatabase } from "../test-utils.ts";
import { describeOutbox } from "./outbox.suite.ts";

describeOutbox("PGlite (memory://)", openPgliteTestDatabase);
