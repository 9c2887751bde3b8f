/**
 * What this package needs from a logger: `@tracemesh/logger`'s Logger fits, and tests can
 * pass a recorder. One event name per line, fields alongside.
 */
export interface QueueLogger {
  info(event: string, fields?: Record<string, unknown>): unknown;
  warn(event: string, fields?: Record<string, unknown>): unknown;
  error(event: string, fields?: Record<string, unknown>): unknown;
}
