// One replay of load/replay.json (or REPLAY_FILE), checked in the init context: a file without
// what the script reads stops k6 before the run, saying what is missing, not with a TypeError
// from deep inside the script.

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
 * length, the phases `needs.phases` names, and every field `needs.fields` names, of its type.
 * @param {{ text: string, path: string | undefined }} file its text, and REPLAY_FILE (undefined:
 *   load/replay.json)
 * @param {string} name "incident" or "outage"
 * @param {{ phases: string[], fields: Record<string, "string" | "number"> }} needs the phases
 *   and the dotted paths the script reads, e.g. `{ "alert.firesWithinSeconds": "number" }`
 * @returns {any}
 */
export function readReplay(file, name, needs) {
  const where = file.path ? `the replay file ${file.path} (REPLAY_FILE)` : "load/replay.json";
  let parsed;
  try {
    parsed = JSON.parse(file.text);
  } catch (error) {
    throw new Error(`${where} is not JSON: ${error instanceof Error ? error.message : error}`);
  }
  const replay = at(parsed, name);
  if (replay == null || typeof replay !== "object") {
    throw new Error(`${where} has no "${name}"`);
  }
  const phases = replay.phases;
  if (!Array.isArray(phases) || phases.length === 0) {
    throw new Error(`${where}: "${name}" has no phases`);
  }
  phases.forEach((phase, i) => {
    if (!phase || typeof phase.name !== "string" || !(phase.seconds > 0)) {
      throw new Error(
        `${where}: "${name}.phases[${i}]" needs a name and a positive number of seconds`,
      );
    }
  });
  for (const needed of needs.phases) {
    if (!phases.some((phase) => phase.name === needed)) {
      throw new Error(`${where}: "${name}" has no phase "${needed}"`);
    }
  }
  for (const path of Object.keys(needs.fields)) {
    const type = needs.fields[path];
    const value = at(replay, path);
    if (typeof value !== type || (type === "number" && !(Number(value) > 0))) {
      const wanted = type === "number" ? "a positive number" : "a string";
      throw new Error(`${where}: "${name}.${path}" must be ${wanted}`);
    }
  }
  return replay;
}
