import { ERROR_CATALOG, ERROR_CODES, type ErrorCode, LANGUAGES } from "./catalog.ts";
import { MAX_DETAILS, PROBLEM_TYPE_PREFIX } from "./error-body.ts";
import { VALIDATION_ISSUES } from "./validation-issues.ts";

/** The command that rewrites docs/errors.md, named in the file and in the drift test. */
export const ERRORS_DOC_COMMAND = "pnpm docs:errors";

const EXAMPLE_BODY = `{
  "errorCode": "REQUEST_PARAMETER_INVALID",
  "message": "One or more parameters are invalid.",
  "details": [{ "field": "limit", "issue": "must_be_between", "min": 1, "max": 100 }],
  "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
  "timestamp": "2026-11-25T10:00:00.000Z",
  "path": "/v1/todos",
  "method": "GET",
  "retryable": false
}`;

const INTRO = `# Error codes

Every error response of every tracemesh service, from unknown routes and bad JSON to
dependency outages and uncaught exceptions, has the same body:

\`\`\`json
${EXAMPLE_BODY}
\`\`\`

| field | always | what it is |
|---|---|---|
| \`errorCode\` | yes | One of the codes below: stable, UPPER_SNAKE, never localized. Switch on this. |
| \`message\` | yes | A neutral message in the negotiated language; for people, not for code. |
| \`details\` | no | Structured entries, e.g. one per invalid field or the unavailable dependency; at most ${MAX_DETAILS}, the rest left out. |
| \`traceId\` | yes | The W3C trace id (32 hex) of the request: quote it when reporting a problem. |
| \`timestamp\` | yes | When the error was answered (ISO 8601, UTC). |
| \`path\`, \`method\` | yes | The request's path (as sent) and method. |
| \`retryable\` | yes | Whether the same request may succeed later. |
| \`hint\` | no | A short suggestion for the client, in English whatever the negotiated language. |

Never in a response: stack traces, messages of unexpected exceptions, SQL, host names,
addresses or URLs of dependencies, secrets.

**Headers.** \`Content-Language\` on every error; \`Retry-After\` (seconds) on every 429 and 503;
\`WWW-Authenticate: Bearer\` on every 401; \`Allow\` on 405. Every response, success too,
has \`traceresponse\` (W3C Trace Context level 2) and \`X-Request-Id\`.

**Languages.** \`message\` follows \`Accept-Language\` with q-values: ${LANGUAGES.map((l) => `\`${l}\``).join(", ")}
(\`${LANGUAGES[0]}\` by default; \`fr-CA\` gets \`fr\`). \`hint\` is not translated.

**Problem details.** A request with \`Accept: application/problem+json\` gets the RFC 9457 form
of the same error (\`Content-Type: application/problem+json\`): \`type\`
(\`${PROBLEM_TYPE_PREFIX}<errorCode>\`), \`title\`, \`status\`, \`detail\`, \`instance\` (the path),
plus every field above.`;

const ISSUES_INTRO = `The \`details[].issue\` values request validation gives REQUEST_PARAMETER_INVALID, one entry
per failing field (\`field\` is the dotted path, e.g. \`items.0.title\`; absent when the whole
value is wrong).`;

const ROUTE_DETAILS = `Routes use the same issues for the checks of their own, with a \`reason\` where the issue
alone would not say enough:

- A \`cursor\` the API could not have issued: \`{ "field": "cursor", "issue": "invalid_value" }\`.
- An \`If-Match\` that is not one entity tag the API could have issued:
  \`{ "field": "If-Match", "issue": "invalid_format", "format": "entity_tag" }\`.
- A body \`version\` that differs from the \`If-Match\` sent with it:
  \`{ "field": "version", "issue": "invalid_value", "reason": "differs_from_if_match" }\`.
- A todo \`PATCH\` that changes nothing: \`{ "issue": "invalid_value", "reason": "no_changes",
  "fields": ["title", "completed"] }\`, with a \`fields\` list of what it may change and no \`field\`.

A request the HTTP server refuses before any route has \`type\` instead of \`field\`:
\`{ "type": "path", "issue": "invalid_value" }\`, \`{ "type": "header", "issue": "invalid_value" }\`
(with the header's \`name\` when known), or \`{ "type": "request", "issue": "malformed_http" }\`
for a request it cannot parse as HTTP.`;

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

function summaryTable(): string {
  const rows = ERROR_CODES.map((code) => {
    const { status, retryable } = ERROR_CATALOG[code];
    return `| [\`${code}\`](#${code.toLowerCase()}) | ${status} | ${retryable ? "yes" : "no"} |`;
  });
  return ["| errorCode | status | retryable |", "|---|---|---|", ...rows].join("\n");
}

function codeSection(code: ErrorCode): string {
  const { status, retryable, messages, meaning, clientAction } = ERROR_CATALOG[code];
  const messageRows = LANGUAGES.map((language) => `| ${language} | ${cell(messages[language])} |`);
  return [
    `### ${code}`,
    "",
    `HTTP ${status} · retryable: ${retryable ? "yes" : "no"} · problem type: \`${PROBLEM_TYPE_PREFIX}${code}\``,
    "",
    `**Meaning.** ${meaning}`,
    "",
    `**What a client should do.** ${clientAction}`,
    "",
    "| language | message |",
    "|---|---|",
    ...messageRows,
  ].join("\n");
}

function issuesTable(): string {
  const rows = Object.entries(VALIDATION_ISSUES).map(
    ([issue, description]) => `| \`${issue}\` | ${cell(description)} |`,
  );
  return ["| issue | meaning |", "|---|---|", ...rows].join("\n");
}

/** docs/errors.md, rendered from the catalog: the codes, their status, retryability and messages. */
export function renderErrorsDoc(): string {
  return [
    "<!-- Generated from packages/errors/src/catalog.ts: do not edit.",
    `     Regenerate with: ${ERRORS_DOC_COMMAND} -->`,
    "",
    INTRO,
    "",
    "## Codes",
    "",
    summaryTable(),
    "",
    ...ERROR_CODES.flatMap((code) => [codeSection(code), ""]),
    "## Validation issues",
    "",
    ISSUES_INTRO,
    "",
    issuesTable(),
    "",
    ROUTE_DETAILS,
    "",
  ].join("\n");
}
