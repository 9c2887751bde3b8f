import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";

/** scrypt cost; the parameters travel inside each hash, so they can be raised without a migration. */
export interface ScryptCost {
  /** log2 of the CPU/memory cost N. */
  logN: number;
  r: number;
  p: number;
}

// N = 2^15, r = 8, p = 1: 32 MiB and tens of milliseconds per check, OWASP's scrypt floor.
export const DEFAULT_SCRYPT_COST: ScryptCost = { logN: 15, r: 8, p: 1 };

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

function derive(password: string, salt: Buffer, cost: ScryptCost, length: number): Promise<Buffer> {
  const N = 2 ** cost.logN;
  const options: ScryptOptions = {
    N,
    r: cost.r,
    p: cost.p,
    // Node refuses anything above 32 MiB by default; leave headroom for the chosen cost.
    maxmem: 256 * N * cost.r + 1024 * 1024,
  };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFKC"), salt, length, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

const b64 = (bytes: Buffer) => bytes.toString("base64").replace(/=+$/, "");

/** A PHC-style string `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` with a fresh random salt. */
export async function hashPassword(
  password: string,
  cost: ScryptCost = DEFAULT_SCRYPT_COST,
): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, cost, KEY_LENGTH);
  return `$scrypt$ln=${cost.logN},r=${cost.r},p=${cost.p}$${b64(salt)}$${b64(key)}`;
}

/** Whether `password` matches `encoded`, compared in constant time; a malformed hash never matches. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parts = PHC.exec(encoded);
  if (!parts) return false;
  const [, logN, r, p, salt, hash] = parts;
  const expected = Buffer.from(hash ?? "", "base64");
  if (expected.length < 16) return false;
  const cost = { logN: Number(logN), r: Number(r), p: Number(p) };
  const actual = await derive(password, Buffer.from(salt ?? "", "base64"), cost, expected.length);
  return timingSafeEqual(actual, expected);
}
