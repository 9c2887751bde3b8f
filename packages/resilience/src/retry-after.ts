import { toRetryAfterSeconds } from "@tracemesh/errors";

const DELAY_SECONDS = /^[0-9]{1,9}$/;
// IMF-fixdate, the HTTP-date form senders must use (RFC 9110 §5.6.7); V8's Date.parse alone
// would also accept "-1" or "2026" and turn them into dates.
const IMF_FIXDATE =
  /^[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$/;

/**
 * The longest Retry-After we pass on to our own clients, in seconds. An upstream may ask for a
 * day (by mistake or not): relayed as is, it would park every client of ours that long for one
 * bad header. A minute outlasts our breakers' and throttles' usual waits; a client that comes
 * back early costs one cheap 503. The dependency client's own retries still use the upstream's
 * value; a queue's redelivery gets the capped one, with the failure.
 */
export const MAX_RETRY_AFTER_SECONDS = 60;

/** Milliseconds to wait from a Retry-After value (delay-seconds or HTTP-date); undefined when absent or invalid. */
export function parseRetryAfterMs(
  value: string | null | undefined,
  now = Date.now(),
): number | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  if (DELAY_SECONDS.test(trimmed)) return Number(trimmed) * 1000;
  if (!IMF_FIXDATE.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** toRetryAfterSeconds for a wait we relay to our clients: at most MAX_RETRY_AFTER_SECONDS. */
export function relayedRetryAfterSeconds(ms: number): number {
  return Math.min(MAX_RETRY_AFTER_SECONDS, toRetryAfterSeconds(ms));
}
