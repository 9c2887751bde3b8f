// Compared after lower-casing and dropping separators, so `X-Api-Key`, `api_key`, `apiKey`
// and `api key` are one key.
const SENSITIVE_PARTS = [
  "authorization",
  "cookie",
  "password",
  "passwd",
  "passphrase",
  "pwd",
  "credential",
  "jwt",
  "secret",
  "apikey",
  "privatekey",
] as const;

// A log line's keys come from the code, the same few hundred over and over. Bounded all the
// same: a logged header map brings a client's own names.
const MAX_REMEMBERED_KEYS = 1_000;
const remembered = new Map<string, boolean>();

/** True when a field of this name holds a credential whatever its value: `Authorization`, `set-cookie`, `client_secret`, `x-api-key`, `refreshToken`, `tokens`… */
export function isSensitiveKey(key: string): boolean {
  const known = remembered.get(key);
  if (known !== undefined) return known;
  if (remembered.size >= MAX_REMEMBERED_KEYS) remembered.clear();
  const sensitive = holdsCredential(key);
  remembered.set(key, sensitive);
  return sensitive;
}

function holdsCredential(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[^a-z0-9]/g, "");
  // `token(s)` only as a suffix: `accessTokens` are secrets, `tokenCount` is not.
  if (/tokens?$/.test(normalized) || normalized === "pass") return true;
  return SENSITIVE_PARTS.some((part) => normalized.includes(part));
}
