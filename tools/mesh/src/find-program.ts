import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

// Debian installs servers in sbin, which a user's PATH often lacks.
const SYSTEM_DIRS = ["/usr/local/bin", "/usr/bin", "/usr/sbin"];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The first executable named one of `names` (in order of preference) in `searchPath`, a PATH,
 * then in the system's bin and sbin folders; undefined when none is installed.
 */
export function findProgram(names: readonly string[], searchPath: string): string | undefined {
  const dirs = [...searchPath.split(delimiter).filter(Boolean), ...SYSTEM_DIRS];
  for (const name of names) {
    const found = dirs.map((dir) => join(dir, name)).find(isExecutable);
    if (found) return found;
  }
  return undefined;
}
