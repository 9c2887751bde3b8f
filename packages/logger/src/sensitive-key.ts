// Compared after lower-casing and dropping separators, so `X-Api-Key`, `api_key`, `apiKey`
// and `api key` are one key.
const SENSITIVE_PARTS = [
  "authorization",
  "cookie",
  "password",
  "passwd",
  "secret",
  "apikey",
  "privatekey",
] as const;

/** True when a field of this name holds a credential whatever its value: `Authorization`, `set-cookie`, `client_secret`, `x-api-key`, `refreshToken`… */
export function isSensitiveKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[^a-z0-9]/g, "");
  // `token` only as a suffix: `accessToken` is a secret, `tokenCount` is not.
  if (normalized.endsWith("token")) return true;
  return SENSITIVE_PARTS.some((part) => normalized.includes(part));
}
