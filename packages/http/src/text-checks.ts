import type { ValidationIssue } from "@tracemesh/errors";
import * as v from "valibot";

// Unicode general category Cc: C0 (U+0000–U+001F), DEL and C1 (U+007F–U+009F).
const CONTROL_CHARACTER = /\p{Cc}/u;
const CONTROL_CHARACTER_ISSUE: ValidationIssue = "control_character";

/**
 * A valibot check refusing control characters, reported as `issue: "control_character"`: for
 * one-line text (a title), where a tab, a newline, NUL or a terminal escape is never meant.
 */
export function noControlCharacters() {
  return v.check((input: string) => !CONTROL_CHARACTER.test(input), CONTROL_CHARACTER_ISSUE);
}
