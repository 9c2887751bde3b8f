import { vValidator } from "@hono/valibot-validator";
import { InvalidParameterError } from "@tracemesh/errors";
import type { ValidationTargets } from "hono";
import type { GenericSchema, GenericSchemaAsync } from "valibot";
import { toErrorResponse } from "./error-response.ts";
import { issueDetails } from "./issue-details.ts";

/**
 * `@hono/valibot-validator` answering failures in the contract: 400 REQUEST_PARAMETER_INVALID
 * with one detail per failing field (`{ field, issue, ...constraint }`). Pair a `json` target
 * with `jsonBody()`, which answers bodies that are not JSON objects first.
 */
export function validate<
  Schema extends GenericSchema | GenericSchemaAsync,
  Target extends keyof ValidationTargets,
>(target: Target, schema: Schema) {
  return vValidator(target, schema, function answerInvalid(result, c) {
    if (result.success) return;
    const details = issueDetails(result.issues, schema);
    return toErrorResponse(c, new InvalidParameterError(details, { message: `invalid ${target}` }));
  });
}
