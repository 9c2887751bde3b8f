/**
 * What ends a running demo or bench: Ctrl-C, a stop from a service manager, and the terminal
 * closing. Closing it sends SIGHUP, which Prometheus and Alertmanager take for "reload your
 * config": left to them, they outlive the demo and hold its ports for the next one.
 */
export const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** The exit code of a run a stop signal ended, as a shell reports a Ctrl-C (128 + SIGINT's 2). */
export const INTERRUPTED_EXIT_CODE = 130;

/**
 * Calls `stop` on the first of STOP_SIGNALS and ignores those after it: under `pnpm demo` a Ctrl-C
 * arrives twice (from the terminal, and passed on by pnpm), and the second must not end the
 * process while the first is stopping the mesh. Returns a function that removes the handlers.
 */
export function stopOnSignals(stop: () => void): () => void {
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    stop();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  return () => {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  };
}
