/**
 * The `issue` values of REQUEST_PARAMETER_INVALID details, with the members that come with
 * each: what clients may switch on. docs/errors.md lists them from here.
 */
export const VALIDATION_ISSUES = {
  required: "The field is missing.",
  invalid_type:
    "The value has the wrong JSON type; `expected` names the right one (`string`, `number`, `object`, ...).",
  not_allowed: "The field is not part of the schema. An object reports only its first unknown key.",
  must_be_one_of: "The value is not one of `allowed`.",
  invalid_value: "The value does not satisfy the field's rule.",
  invalid_format:
    "The string is not a valid `format` (`email`, `uuid`, `url`, `iso_date`, `pattern`, ...).",
  not_well_formed:
    "The string is not well-formed Unicode: it holds a lone surrogate, such as the JSON escape `\\ud800` without its pair. Refused in every JSON body rather than stored as U+FFFD.",
  control_character:
    "The string holds a control character (U+0000–U+001F, U+007F–U+009F), which this one-line field does not allow.",
  too_short: "The string or list has fewer than `min` characters or items.",
  too_long: "The string or list has more than `max` characters or items.",
  wrong_length: "The string or list does not have exactly `length` characters or items.",
  must_be_between: "The number is outside `min`..`max` (inclusive).",
  must_be_at_least: "The number is below `min`.",
  must_be_at_most: "The number is above `max`.",
  must_be_integer: "The number is not an integer.",
  must_be_multiple_of: "The number is not a multiple of `multipleOf`.",
} as const;

export type ValidationIssue = keyof typeof VALIDATION_ISSUES;
