// One replay of load/replay.json (or REPLAY_FILE), checked in the init context: a file without
// what the script reads stops k6 before the run, saying what is missing, not with a TypeError
// from deep inside the script.

export const REPLAY_FILE = "the replay (REPLAY_FILE, load/replay.json by default)";

/**
 * The value at a dotted path, or undefined.
 * @param {unknown} value
 * @param {string} path
 * @returns {any}
 */
function at(value, path) {
  return path.split(".").reduce((found, key) => (found == null ? undefined : found[key]), value);
}

/**
 * The replay named `name` of a replay file, with phases that each have a name and a positive
 * length, and every field `required` names of its type.
 * @param {string} text the replay file
 * @param {string} name "incident" or "outage"
 * @param {Record<string, "string" | "number">} required dotted paths the script reads, e.g.
 *   `{ "alert.firesWithinSeconds": "number" }`
 * @returns {any}
 */
export function readReplay(text, name, required) {
  let file;
  try {
    file = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${REPLAY_FILE} is not JSON: ${error instanceof Error ? error.message : error}`,
    );
  }
  const replay = at(file, name);
  if (replay == null || typeof replay !== "object") {
    throw new Error(`${REPLAY_FILE} has no "${name}"`);
  }
  const phases = replay.phases;
  if (!Array.isArray(phases) || phases.length === 0) {
    throw new Error(`${REPLAY_FILE}: "${name}" has no phases`);
  }
  phases.forEach((phase, i) => {
    if (!phase || typeof phase.name !== "string" || !(phase.seconds > 0)) {
      throw new Error(
        `${REPLAY_FILE}: "${name}.phases[${i}]" needs a name and a positive number of seconds`,
      );
    }
  });
  for (const path of Object.keys(required)) {
    const type = required[path];
    const value = at(replay, path);
    if (typeof value !== type || (type === "number" && !(Number(value) > 0))) {
      const wanted = type === "number" ? "a positive number" : "a string";
      throw new Error(`${REPLAY_FILE}: "${name}.${path}" must be ${wanted}`);
    }
  }
  return replay;
}
