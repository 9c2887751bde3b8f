import { JetStreamApiError } from "@nats-io/jetstream";

/** True when the JetStream API answered with this error code (e.g. stream not found). */
export function isJetStreamApiError(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}
