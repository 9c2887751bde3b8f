/**
 * Polls `condition` every `intervalMs` until it holds; fails naming `what` after `timeoutMs`.
 * A condition that asks a server (Prometheus, Alertmanager) wants a longer interval.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what = "condition",
  timeoutMs = 10_000,
  intervalMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
