/** What every secret is replaced with, in keys and inside strings. */
export const REDACTED = "[REDACTED]";

interface SecretPattern {
  /** Found in every match: text without it is skipped, which spares the pattern's scan. */
  hint: RegExp;
  pattern: RegExp;
  replacement: string;
}

// A parameter or JSON field named for a credential: `token`, `api_key`, `client_secret`, any name
// ending in one (`chaos_token`, `refresh_token`; never one only starting so, `tokenCount`), and
// `key`, `auth`, `authorization` and `cookie` themselves.
const SECRET_NAME =
  "(?:[\\w.-]*?(?:token|secret|password|passwd|pwd|api_?key|access_?key|private_?key)|key|auth|authorization|cookie)";

// Each pattern keeps the part that helps a reader (the scheme, the URL's scheme, the
// parameter name) and drops the secret itself. Most strings logged hold none of the hints, and a
// hint is quick to look for: running every pattern over every string, a stack's frames
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
  // Userinfo in URLs (`postgres://app:secret@db`): the user part can be a token too. Up to the
  // last `@` before the path, as URL parsers split it: a password may hold an `@` of its own.
  {
    hint: /:\/\/[^\s/?#]+@/,
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]+@/gi,
    replacement: `$1${REDACTED}@`,
  },
  // Credential headers written out as text (`Authorization: Basic …`, `Cookie: sid=…`): the
  // rest of the line is the credential.
  {
    hint: /authorization|cookie/i,
    pattern: /\b((?:proxy-)?authorization|(?:set-)?cookie)(\s*[:=]\s*)(?!\s*Bearer\s)[^\r\n]+/gi,
    replacement: `$1$2${REDACTED}`,
  },
  // JSON's `"password": "…"`, e.g. a request body quoted in an error message.
  {
    hint: /"\s*:/,
    pattern: new RegExp(`("${SECRET_NAME}"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, "gi"),
    replacement: `$1"${REDACTED}"`,
  },
  // Secrets passed as parameters, in a query (`?access_token=…`) or a form (`password=…`).
  {
    hint: /=/,
    pattern: new RegExp(`((?:^|[?&;\\s])${SECRET_NAME}=)[^&#\\s]+`, "gi"),
    replacement: `$1${REDACTED}`,
  },
];

/**
 * The string with bearer tokens, JWTs, URL credentials, credential headers, and parameters or JSON
 * fields named for a credential replaced by `[REDACTED]`.
 */
export function redactString(value: string): string {
  let result = value;
  for (const { hint, pattern, replacement } of SECRET_PATTERNS) {
    if (hint.test(result)) result = result.replace(pattern, replacement);
  }
  return result;
}
