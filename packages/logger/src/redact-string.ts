/** What every secret is replaced with, in keys and inside strings. */
export const REDACTED = "[REDACTED]";

interface SecretPattern {
  /** Found in every match: text without it is skipped, which spares the pattern's scan. */
  hint: RegExp;
  pattern: RegExp;
  replacement: string;
}

// A parameter or JSON field named for a credential: `token`, `api_key`, `client_secret`, a
// signature (`sig`, `X-Amz-Signature`, `X-Amz-Credential`: the http instrumentation's own list),
// and any name ending in one of those (`chaos_token`, `refresh_token`; never one only starting so,
// `tokenCount`). Not bare `key` or `auth`: `key=todo:42` and `auth=degraded` are no secrets.
const SECRET_NAME =
  "(?:[\\w.-]*?(?:token|secret|password|passwd|api_?key|access_?key(?:_?id)?|private_?key|signature|credential)|sig|authorization|cookie)";

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
    // A scheme is short: bounded, a long run of "a.a.a…" costs no quadratic backtracking.
    pattern: /\b([a-z][a-z0-9+.-]{0,31}:\/\/)[^\s/?#]+@/gi,
    replacement: `$1${REDACTED}@`,
  },
  // Credential headers written out as text: `Authorization: Basic …` (its scheme kept; Bearer has
  // its own pattern above), `Cookie: sid=…` (the rest of the line). Only with a credential's
  // shape after the name, on the same line: "invalid authorization: expected Bearer" stays.
  {
    hint: /authorization|cookie/i,
    pattern:
      /\b((?:proxy-)?authorization[ \t]*[:=][ \t]*(?:Basic|Digest|Negotiate|NTLM|Token)[ \t]+)[^\r\n]+/gi,
    replacement: `$1${REDACTED}`,
  },
  {
    hint: /cookie/i,
    pattern: /\b((?:set-)?cookie[ \t]*:[ \t]*)[^\s=;]+=[^\r\n]*/gi,
    replacement: `$1${REDACTED}`,
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
