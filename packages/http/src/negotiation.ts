import { LANGUAGES, type Language } from "@tracemesh/errors";
import type { Context } from "hono";
import { accepts } from "hono/accepts";

type AcceptEntry = { type: string; q: number };

const DEFAULT_LANGUAGE: Language = LANGUAGES[0];

function isLanguage(value: string): value is Language {
  return (LANGUAGES as readonly string[]).includes(value);
}

/**
 * RFC 4647 lookup over ranges Hono already parsed and sorted by q: `fr-CA` falls back to `fr`,
 * `q=0` excludes a range, `*` is the first language no other range names (RFC 9110: those have
 * their own q), and unknown languages (or every language named elsewhere) leave the default.
 */
function lookupLanguage(ranges: AcceptEntry[]): string {
  const named = new Set(ranges.map(({ type }) => type.toLowerCase()));
  for (const { type, q } of ranges) {
    if (q <= 0) continue;
    if (type === "*") {
      const unnamed = LANGUAGES.find((language) => !named.has(language));
      if (unnamed !== undefined) return unnamed;
      continue;
    }
    const subtags = type.toLowerCase().split("-");
    for (let length = subtags.length; length > 0; length--) {
      const candidate = subtags.slice(0, length).join("-");
      if (isLanguage(candidate)) return candidate;
    }
  }
  return DEFAULT_LANGUAGE;
}

/** The language of the error message, from `Accept-Language` with q-values (en default, fr). */
export function negotiateLanguage(c: Context): Language {
  const chosen = accepts(c, {
    header: "Accept-Language",
    supports: [...LANGUAGES],
    default: DEFAULT_LANGUAGE,
    match: lookupLanguage,
  });
  return isLanguage(chosen) ? chosen : DEFAULT_LANGUAGE;
}

export const PROBLEM_JSON = "application/problem+json";

/** Whether the client asked for RFC 9457 problem details rather than the plain JSON body. */
export function prefersProblemJson(c: Context): boolean {
  const chosen = accepts(c, {
    header: "Accept",
    supports: ["application/json", PROBLEM_JSON],
    default: "application/json",
  });
  return chosen === PROBLEM_JSON;
}
