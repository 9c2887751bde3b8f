import { randomFillSync } from "node:crypto";

// Random bytes from the CSPRNG a pool at a time, as Node's randomUUID does: `randomBytes(n)`
// is a system call for every id, which a profile of `GET /health/live` showed costing a
// request more than its routing does.
const pool = Buffer.allocUnsafe(4096);
let used = pool.length;

/** `bytes` random bytes (at most 4096) as lowercase hex. */
export function randomHex(bytes: number): string {
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const hex = pool.toString("hex", used, used + bytes);
  used += bytes;
  return hex;
}
