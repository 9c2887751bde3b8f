/** What every secret is replaced with, in keys and inside strings. */
export const REDACTED = "[REDACTED]";

// Each pattern keeps the part that helps a reader (the scheme, the URL's scheme, the
// parameter name) and drops the secret itself.
const SECRET_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  // RFC 6750 bearer credentials, e.g. a copied Authorization header inside an error message.
  [/\bBearer\s+[A-Za-z0-9._~+/-]+=*/gi, `Bearer ${REDACTED}`],
  // JWTs: base64url header (always `{"…` → `eyJ`), payload and (possibly empty) signature.
  [/\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, REDACTED],
  // Userinfo in URLs (`postgres://app:secret@db`): the user part can be a token too.
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi, `$1${REDACTED}@`],
  // Secrets passed as query parameters (`?access_token=…`).
  [
    /([?&;](?:access_token|refresh_token|id_token|token|api_key|apikey|password|secret|client_secret)=)[^&#\s]+/gi,
    `$1${REDACTED}`,
  ],
];

/** The string with bearer tokens, JWTs and URL credentials replaced by `[REDACTED]`. */
export function redactString(value: string): string {
  let result = value;
  for (const [pattern, replacement] of SECRET_PATTERNS) {
    result = result.replace(pattern, replacement);
  }
  return result;
}
