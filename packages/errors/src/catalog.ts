/** The languages error messages are written in; the first is the default. */
export const LANGUAGES = ["en", "fr"] as const;
export type Language = (typeof LANGUAGES)[number];

/** What the contract promises about one error code. */
export interface ErrorDefinition {
  readonly status: number;
  readonly retryable: boolean;
  /** The client-facing message, one per language: neutral, never implementation detail. */
  readonly messages: Readonly<Record<Language, string>>;
  /** When the code is answered, for docs/errors.md. */
  readonly meaning: string;
  /** What a client should do about it, for docs/errors.md. */
  readonly clientAction: string;
}

const CATALOG = {
  REQUEST_PARAMETER_INVALID: {
    status: 400,
    retryable: false,
    messages: {
      en: "One or more parameters are invalid.",
      fr: "Un ou plusieurs paramètres sont invalides.",
    },
    meaning:
      "A path, query, header or body value failed validation, or the JSON body is not an object. `details` has one entry per failing field: `field` (dotted path), `issue` (e.g. `required`, `invalid_type`, `too_short`, `must_be_between`) and the constraint (`min`, `max`, `allowed`, ...). A request the HTTP server itself cannot read (bytes HTTP forbids in the path or a header, an invalid Host) gets it too, before any route, with `details[].type` `path`, `header` or `request`, and the connection is closed.",
    clientAction:
      "Fix the fields listed in `details` and send the request again; the same request will fail the same way.",
  },
  REQUEST_BODY_INVALID: {
    status: 400,
    retryable: false,
    messages: {
      en: "The request body is not valid JSON.",
      fr: "Le corps de la requête n'est pas du JSON valide.",
    },
    meaning:
      "The body could not be read or parsed. `details[].issue` says why: `malformed_json` (including an empty body sent as JSON), `invalid_utf8`, `unreadable` (the body stream broke off), or `invalid_framing` (broken chunked encoding or Content-Length, answered by the HTTP server before any route, closing the connection).",
    clientAction: "Send a well-formed UTF-8 JSON body; do not retry the same bytes.",
  },
  AUTH_REQUIRED: {
    status: 401,
    retryable: false,
    messages: {
      en: "Authentication is required.",
      fr: "Une authentification est requise.",
    },
    meaning:
      "The request has no bearer token, or one that does not verify: malformed, expired, signed with another key, or for a user auth no longer knows. tracemesh's services give every such token this same neutral answer on purpose, and log the reason rather than return it. The response has `WWW-Authenticate: Bearer`.",
    clientAction:
      "Without a token, obtain one and send it as `Authorization: Bearer <token>`. With one, that token will not be accepted again: obtain a new one (log in again), then retry with it.",
  },
  AUTH_TOKEN_INVALID: {
    status: 401,
    retryable: false,
    messages: {
      en: "The access token is invalid or has expired.",
      fr: "Le jeton d'accès est invalide ou a expiré.",
    },
    meaning:
      "Not sent by tracemesh's services, which answer a token that does not verify with AUTH_REQUIRED. It can appear only where a 401 says the token itself is invalid: a Hono `HTTPException` 401 whose `WWW-Authenticate` has `error=\"invalid_token\"`, or a dependency's 401 with this code, which a service relays as it is. The response has `WWW-Authenticate: Bearer`.",
    clientAction: "Obtain a new token (log in again), then retry with it.",
  },
  AUTH_INVALID_CREDENTIALS: {
    status: 401,
    retryable: false,
    messages: {
      en: "The credentials are invalid.",
      fr: "Les identifiants sont invalides.",
    },
    meaning:
      "A login failed. An unknown user and a wrong password get this same response, so it reveals neither.",
    clientAction: "Ask the user to check the username and password; do not retry automatically.",
  },
  FORBIDDEN: {
    status: 403,
    retryable: false,
    messages: {
      en: "You are not allowed to perform this action.",
      fr: "Vous n'êtes pas autorisé à effectuer cette action.",
    },
    meaning:
      "The caller is authenticated but lacks the permission for this action. Another user's resources answer RESOURCE_NOT_FOUND instead, so their existence is not revealed.",
    clientAction: "Do not retry; use an account that has the permission.",
  },
  RESOURCE_NOT_FOUND: {
    status: 404,
    retryable: false,
    messages: {
      en: "The requested resource was not found.",
      fr: "La ressource demandée est introuvable.",
    },
    meaning:
      "Nothing the caller may see exists at this path: an unknown route, an unknown id, or a resource owned by someone else. On todo-api every `/v1` request is authenticated before routing and before its body is checked: without a token an unknown `/v1` path or a wrong method gets 401 AUTH_REQUIRED, and while auth is unavailable a write with a bad body gets 503 SERVICE_UNAVAILABLE.",
    clientAction: "Check the path and the identifier; do not retry unchanged.",
  },
  USER_NOT_FOUND: {
    status: 404,
    retryable: false,
    messages: {
      en: "The user was not found.",
      fr: "L'utilisateur est introuvable.",
    },
    meaning:
      "A service asked auth for the profile of a user id auth does not know (GET /v1/users/:id, service-to-service only). It refines RESOURCE_NOT_FOUND, which a wrong path gives.",
    clientAction: "Do not retry: the user does not exist, or no longer does.",
  },
  METHOD_NOT_ALLOWED: {
    status: 405,
    retryable: false,
    messages: {
      en: "This method is not allowed on this resource.",
      fr: "Cette méthode n'est pas autorisée sur cette ressource.",
    },
    meaning:
      "The path exists but does not support the HTTP method. The `Allow` header lists the methods it supports.",
    clientAction: "Use one of the methods listed in the `Allow` header.",
  },
  REQUEST_TIMEOUT: {
    status: 408,
    retryable: true,
    messages: {
      en: "The request took too long to arrive.",
      fr: "La requête a mis trop de temps à arriver.",
    },
    meaning:
      "The server stopped waiting for the rest of the request (its headers or body) and closes the connection. Answered by the HTTP server before any route; `path` and `method` are empty when the headers had not all arrived.",
    clientAction:
      "Send the whole request without pausing; it may be sent again on a new connection.",
  },
  RESOURCE_CONFLICT: {
    status: 409,
    retryable: false,
    messages: {
      en: "The request conflicts with the current state of the resource.",
      fr: "La requête est en conflit avec l'état actuel de la ressource.",
    },
    meaning:
      "The change cannot be applied to the resource as it is now. `details[].reason` says why, e.g. `version_mismatch` or `already_exists`.",
    clientAction:
      "Fetch the current state, reconcile, and send a new request; repeating it unchanged fails the same way.",
  },
  PRECONDITION_FAILED: {
    status: 412,
    retryable: false,
    messages: {
      en: "The resource does not match the version the request is conditional on.",
      fr: "La ressource ne correspond pas à la version dont dépend la requête.",
    },
    meaning:
      'A conditional request\'s precondition is false (RFC 9110 §13.1.1): its `If-Match` is one entity tag the API could have issued but not the resource\'s current one, so nothing was changed. If-Match compares strongly: a weak tag (`W/"3"`) never matches. Only such a tag gets 412: on todo-api that is `"n"` or `W/"n"` with n a version from 1 to 2147483647; any other `If-Match`, such as `*`, a list of tags or `"abc"`, gets 400 REQUEST_PARAMETER_INVALID with `{ field: "If-Match", issue: "invalid_format", format: "entity_tag" }`. `details[]` names the header (`field`) and why (`reason`: `etag_mismatch`, or `weak_etag` for a weak tag); when the caller may see the resource, `currentEtag` and `currentVersion` say where it is now.',
    clientAction:
      "Fetch the resource again, reapply the change to what it is now, and send it with the new ETag in `If-Match`; repeating it unchanged fails the same way.",
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    retryable: false,
    messages: {
      en: "The request body is too large.",
      fr: "Le corps de la requête est trop volumineux.",
    },
    meaning: "The body exceeds the route's size limit, given in `details[].maxBytes`.",
    clientAction: "Send a smaller body.",
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    retryable: false,
    messages: {
      en: "The media type of the request body is not supported.",
      fr: "Le type de média du corps de la requête n'est pas pris en charge.",
    },
    meaning: "The route reads JSON and the body was sent with another `Content-Type`, or none.",
    clientAction: "Send the body as JSON with `Content-Type: application/json`.",
  },
  PRECONDITION_REQUIRED: {
    status: 428,
    retryable: false,
    messages: {
      en: "This request must be conditional.",
      fr: "Cette requête doit être conditionnelle.",
    },
    meaning:
      "The route changes a resource only on the condition that it is still the version the client read (RFC 6585 §3), so that a blind write cannot undo someone else's change, and the request carries none. `details[].field` names the header to send (`If-Match`) and `alternative` any other way the route accepts (e.g. a body `version`).",
    clientAction:
      "Read the resource, then send the change with its ETag in `If-Match` (or the alternative named in `details`).",
  },
  REQUEST_HEADERS_TOO_LARGE: {
    status: 431,
    retryable: false,
    messages: {
      en: "The request headers are too large.",
      fr: "Les en-têtes de la requête sont trop volumineux.",
    },
    meaning:
      "The request line and headers together exceed the server's limit, given in `details[].maxBytes`. Answered by the HTTP server before any route; the connection is closed, and `path` and `method` are empty when the request line could not be read back.",
    clientAction: "Send fewer or smaller headers (cookies, tokens) or a shorter URL.",
  },
  RATE_LIMITED: {
    status: 429,
    retryable: true,
    messages: {
      en: "Too many requests. Please retry later.",
      fr: "Trop de requêtes. Veuillez réessayer plus tard.",
    },
    meaning: "The caller sent more requests than its quota allows. The response has `Retry-After`.",
    clientAction: "Wait the `Retry-After` seconds, then retry, and send requests more slowly.",
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    retryable: true,
    messages: {
      en: "The service is temporarily unavailable. Please retry later.",
      fr: "Le service est temporairement indisponible. Veuillez réessayer plus tard.",
    },
    meaning:
      "The service cannot answer now. Every such response has `Retry-After`; `details` is there only when the cause has a name. A dependency that is unreachable, too slow or shedding load is named in `details[].name` (`type: dependency`), e.g. `auth` or `database`; from `/health/ready`, a failing readiness check is named the same way (the notifier's may be `nats` or `consumer`), and a service shutting down has `type: shutdown`. A 503 injected by chaos, or a Hono `HTTPException` 502, 503 or 504 that a service turns into this code, has no `details`.",
    clientAction:
      "Rely on the code, `retryable` and `Retry-After`, not on `details`. Retry after `Retry-After` seconds with backoff. Retry a write only if repeating it is harmless: it may have been applied.",
  },
  INTERNAL_ERROR: {
    status: 500,
    retryable: false,
    messages: {
      en: "An unexpected error occurred.",
      fr: "Une erreur inattendue s'est produite.",
    },
    meaning:
      "A bug or an unexpected condition on the server. The response says nothing about it; the `traceId` leads to the server-side logs and trace.",
    clientAction: "Do not retry in a loop; report the `traceId` to the service's operators.",
  },
} as const satisfies Record<string, ErrorDefinition>;

/** A stable, never localized, UPPER_SNAKE error code of the catalog. */
export type ErrorCode = keyof typeof CATALOG;

/**
 * The single source of truth of the error contract (docs/architecture.md#the-error-contract): code
 * → HTTP status → retryable → messages. docs/errors.md is rendered from it; add codes here, never
 * elsewhere.
 */
export const ERROR_CATALOG: Readonly<Record<ErrorCode, ErrorDefinition>> = CATALOG;

/** Every code of the catalog, in catalog order. */
export const ERROR_CODES = Object.keys(ERROR_CATALOG) as ErrorCode[];

/** Whether a value (e.g. an upstream body's `errorCode`) is a code of this catalog. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(ERROR_CATALOG, value);
}
