import { noControlCharacters } from "@tracemesh/http";
import * as v from "valibot";
import { MAX_VERSION } from "./todo-version.ts";

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/**
 * One line of text, trimmed, 1–200 characters counted as the database's CHECK counts them
 * (char_length: code points, so 200 emoji fit). Control characters left after trimming are
 * refused: a tab, newline or terminal escape inside a title is never meant, and NUL cannot
 * be stored at all. Lone surrogates never get here: jsonBody() refuses them in any body.
 */
export const TitleSchema = v.pipe(
  v.string(),
  v.trim(),
  noControlCharacters(),
  v.minCodePoints(1),
  v.maxCodePoints(200),
);

export const VersionSchema = v.pipe(
  v.number(),
  v.integer(),
  v.minValue(1),
  v.maxValue(MAX_VERSION),
);

/** `?limit=&cursor=`; other query parameters (cache busters) are ignored. */
export const ListTodosQuery = v.object({
  limit: v.optional(
    // Decimal digits only: Number() would also take "0x10", "1e1" and " 16 ".
    v.pipe(v.string(), v.digits(), v.toNumber(), v.minValue(1), v.maxValue(MAX_PAGE_SIZE)),
    String(DEFAULT_PAGE_SIZE),
  ),
  cursor: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(512))),
});

// Bodies are strict: a misspelt field (`complete`) is refused, never silently dropped.
export const CreateTodoBody = v.strictObject({
  title: TitleSchema,
  completed: v.optional(v.boolean()),
});

export const UpdateTodoBody = v.strictObject({
  title: v.optional(TitleSchema),
  completed: v.optional(v.boolean()),
  /** The version the change is based on, when not sent as `If-Match`. */
  version: v.optional(VersionSchema),
});
