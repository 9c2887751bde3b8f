import { openPostgresTestDatabase } from "../test-utils.ts";
import { describeOutbox } from "./outbox.suite.ts";

describeOutbox("PostgreSQL (127.0.0.1:5432/test, a schema per run)", openPostgresTestDatabase);
