export type { Logger } from "winston";
export { createLogger, LOG_LEVELS, type LoggerOptions, type LogLevel } from "./create-logger.ts";
export { type RedactOptions, redact } from "./redact.ts";
export { REDACTED, redactString } from "./redact-string.ts";
