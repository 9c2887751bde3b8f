import {
  AppError,
  codeForStatus,
  ERROR_CATALOG,
  type ErrorCode,
  isErrorCode,
} from "@tracemesh/errors";
import { parseRetryAfterMs, relayedRetryAfterSeconds } from "./retry-after.ts";

/**
 * Upstream 4xx that mean the same to our client as to us, whatever the call: the credentials it
 * gave us were refused (401), what it asked is not allowed (403), or it must slow down (429).
 */
const RELAYED_STATUSES: ReadonlySet<number> = new Set([401, 403, 429]);

function declaredCode(payload: ArrayBuffer): ErrorCode | undefined {
  try {
    const body: unknown = JSON.parse(new TextDecoder().decode(payload));
    if (typeof body !== "object" || body === null || !("errorCode" in body)) return undefined;
    return isErrorCode(body.errorCode) ? body.errorCode : undefined;
  } catch {
    return undefined;
  }
}

// Only what keeps its meaning after the hop; Allow, Location… are about the upstream.
function relayedHeaders(response: Response): Record<string, string> {
  if (response.status === 429) {
    // None (or none readable): nothing of the upstream's to relay; our answer gets the
    // contract's default (error-response.ts), and a caller can tell it was not asked for.
    const waitMs = parseRetryAfterMs(response.headers.get("retry-after"));
    return waitMs === undefined ? {} : { "Retry-After": String(relayedRetryAfterSeconds(waitMs)) };
  }
  const challenge = response.status === 401 ? response.headers.get("www-authenticate") : null;
  return challenge === null ? {} : { "WWW-Authenticate": challenge };
}

/**
 * The AppError an upstream 4xx becomes. 401, 403, 429 and the statuses the call declares
 * meaningful (`meaningfulStatuses`, e.g. 404 for "no such user") keep their meaning: the
 * contract body's errorCode when it agrees with the status, else the status's generic code.
 * Any other 4xx says our request was wrong, an integration fault of ours: INTERNAL_ERROR.
 * The upstream's details are never relayed (they describe its request, not our client's);
 * its status and code stay in the server-side message.
 */
export function upstreamClientError(
  dependency: string,
  response: Response,
  payload: ArrayBuffer,
  meaningfulStatuses: readonly number[],
): AppError {
  const { status } = response;
  const declared = declaredCode(payload);
  const answered = `${dependency} answered ${status}${declared === undefined ? "" : ` ${declared}`}`;
  const generic = codeForStatus(status);
  if (
    generic === undefined ||
    !(RELAYED_STATUSES.has(status) || meaningfulStatuses.includes(status))
  ) {
    return new AppError("INTERNAL_ERROR", {
      message: `${answered}, which this call does not expect`,
    });
  }
  const code =
    declared !== undefined && ERROR_CATALOG[declared].status === status ? declared : generic;
  return new AppError(code, { message: answered, headers: relayedHeaders(response) });
}
