import * as v from "valibot";

// Messages never echo the value: a bad variable may hold a password or a token.

/** A whole number between `min` and `max`, `fallback` when unset. */
export function envInteger(fallback: number, min: number, max: number) {
  return v.pipe(
    v.optional(v.string(), String(fallback)),
    v.trim(),
    v.regex(/^\d+$/, "must be a whole number"),
    v.transform(Number),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
  );
}

/** A TCP port; 0 lets the system pick one (tests). */
export function envPort(fallback: number) {
  return envInteger(fallback, 0, 65_535);
}

/** `true` or `false`, any case. */
export function envFlag(fallback: boolean) {
  return v.pipe(
    v.optional(v.string(), String(fallback)),
    v.trim(),
    v.toLowerCase(),
    v.picklist(["true", "false"], "must be true or false"),
    v.transform((value) => value === "true"),
  );
}

/** A non-empty string, `fallback` when unset. */
export function envText(fallback: string) {
  return v.pipe(v.optional(v.string(), fallback), v.trim(), v.nonEmpty("must not be empty"));
}

/** One of `values`, `fallback` when unset. */
export function envChoice<const T extends readonly [string, ...string[]]>(
  values: T,
  fallback: T[number],
) {
  return v.optional(v.picklist(values, `must be one of ${values.join(", ")}`), fallback);
}

const httpUrl = v.pipe(
  v.string(),
  v.trim(),
  v.url("must be a URL"),
  // `auth:8081` and `ftp://` parse as URLs too, but fetch cannot call them.
  v.check(
    (value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol),
    "must be an http(s) URL",
  ),
);

/** An http(s) URL, `fallback` when unset (undefined when unset and no fallback). */
export function envUrl(fallback: string): v.OptionalSchema<typeof httpUrl, string>;
export function envUrl(): v.OptionalSchema<typeof httpUrl, undefined>;
export function envUrl(fallback?: string) {
  return fallback === undefined ? v.optional(httpUrl) : v.optional(httpUrl, fallback);
}

/**
 * A bearer secret: optional, long enough that guessing it is not an option, and one word of
 * visible ASCII, as an `Authorization: Bearer` header can carry it (one with a space or an `é`
 * would start a service that refuses every caller).
 */
export const envSecret = v.optional(
  v.pipe(
    v.string(),
    v.minLength(16, "must be at least 16 characters"),
    v.regex(/^[!-~]+$/, "must be one word of visible ASCII (no spaces)"),
  ),
);
