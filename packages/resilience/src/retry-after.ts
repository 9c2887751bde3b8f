const DELAY_SECONDS = /^[0-9]{1,9}$/;
// IMF-fixdate, the HTTP-date form senders must use (RFC 9110 §5.6.7); V8's Date.parse alone
// would also accept "-1" or "2026" and turn them into dates.
const IMF_FIXDATE =
  /^[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$/;

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

/** Whole seconds for a Retry-After header: rounded up, at least 1 so clients never retry at once. */
export function toRetryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
