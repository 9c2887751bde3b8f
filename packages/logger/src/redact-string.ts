/** What every secret is replaced with, in keys and inside strings. */
export const REDACTED = "[REDACTED]";

interface SecretPattern {
  /** Found in every match: text without it is skipped, which spares the pattern's scan. */
  hint: RegExp;
  pattern: RegExp;
  replacement: string;
}

// Each pattern keeps the part that helps a reader (the scheme, the URL's scheme, the
// parameter name) and drops the secret itself. Most strings logged hold none of the hints, and a
// hint is quick to look for: running all four patterns over every string, a stack's frames
// included, was nearly half the time spent writing an error line (a CPU profile).
const SECRET_PATTERNS: readonly SecretPattern[] = [
  // RFC 6750 bearer credentials, e.g. a copied Authorization header inside an error message.
  {
    hint: /bearer/i,
    pattern: /\bBearer\s+[A-Za-z0-9._~+/-]+=*/gi,
    replacement: `Bearer ${REDACTED}`,
  },
  // JWTs: base64url header (always `{"…` → `eyJ`), payload and (possibly empty) signature.
  {
    hint: /eyJ/,
    pattern: /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g,
    replacement: REDACTED,
  },
  // Userinfo in URLs (`postgres://app:secret@db`): the user part can be a token too.
  {
    hint: /:\/\/[^\s/?#@]+@/,
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi,
    replacement: `$1${REDACTED}@`,
  },
  // Secrets passed as query parameters (`?access_token=…`).
  {
    hint: /=/,
    pattern:
      /([?&;](?:access_token|refresh_token|id_token|token|api_key|apikey|password|secret|client_secret)=)[^&#\s]+/gi,
    replacement: `$1${REDACTED}`,
  },
];

/** The string with bearer tokens, JWTs and URL credentials replaced by `[REDACTED]`. */
export function redactString(value: string): string {
  let result = value;
  for (const { hint, pattern, replacement } of SECRET_PATTERNS) {
    if (hint.test(result)) result = result.replace(pattern, replacement);
  }
  return result;
}
