// The phases of a replay (load/replay.json), scaled, and which one a moment falls in.
// k6 0.49 reads ES2017 plus modules: no `?.`, `??` or object spread in these scripts.

/**
 * @typedef {object} Phase
 * @property {string} name
 * @property {number} startSeconds from the start of the replay
 * @property {number} seconds
 * @property {number} errorsPerSecond GET /error a second while it lasts (incident)
 * @property {Record<string, unknown>} [fault] auth's /chaos settings while it lasts (outage)
 */

/**
 * The phases with their start times, each `timeScale` times as long, rates `rateScale` times.
 * No phase shrinks below a second.
 * @param {{ name: string, seconds: number, errorsPerSecond?: number, fault?: Record<string, unknown> }[]} phases
 * @param {number} timeScale
 * @param {number} rateScale
 * @returns {Phase[]}
 */
export function schedule(phases, timeScale, rateScale) {
  let start = 0;
  return phases.map((phase) => {
    const seconds = Math.max(1, Math.round(phase.seconds * timeScale));
    const scheduled = Object.assign({}, phase, {
      startSeconds: start,
      seconds,
      errorsPerSecond: (phase.errorsPerSecond || 0) * rateScale,
    });
    start += seconds;
    return scheduled;
  });
}

/** The replay's whole length, in seconds. @param {Phase[]} phases */
export function totalSeconds(phases) {
  const last = phases[phases.length - 1];
  return last ? last.startSeconds + last.seconds : 0;
}

/**
 * The phase running `elapsedMs` after the replay started (the last one after its end).
 * @param {Phase[]} phases
 * @param {number} elapsedMs
 * @returns {Phase}
 */
function phaseRunning(phases, elapsedMs) {
  const seconds = elapsedMs / 1000;
  const found = phases.find(
    (p) => seconds >= p.startSeconds && seconds < p.startSeconds + p.seconds,
  );
  return found || phases[phases.length - 1];
}

/**
 * The name of the phase running `elapsedMs` after the replay started.
 * @param {Phase[]} phases
 * @param {number} elapsedMs
 */
export function phaseAt(phases, elapsedMs) {
  return phaseRunning(phases, elapsedMs).name;
}

/**
 * Like phaseAt, but the first `onsetSeconds` of a phase with a fault are `<name>-onset`: the
 * fault is being set, the breaker is opening. The steady phase's thresholds leave them out.
 * @param {Phase[]} phases
 * @param {number} elapsedMs
 * @param {number} onsetSeconds
 */
export function phaseWithOnsetAt(phases, elapsedMs, onsetSeconds) {
  const phase = phaseRunning(phases, elapsedMs);
  if (!phase.fault) return phase.name;
  return elapsedMs / 1000 < phase.startSeconds + onsetSeconds ? `${phase.name}-onset` : phase.name;
}

/**
 * The first phase named `name` (readReplay checked that there is one).
 * @param {Phase[]} phases
 * @param {string} name
 */
export function phaseNamed(phases, name) {
  const found = phases.find((p) => p.name === name);
  if (!found) throw new Error(`the replay has no phase "${name}"`);
  return found;
}
