import {
  AppError,
  codeForStatus,
  ERROR_CATALOG,
  type ErrorDetail,
  isErrorCode,
} from "@tracemesh/errors";

/** Upstream headers whose meaning survives the hop; everything else (Allow, Location…) is about the upstream. */
const FORWARDED_HEADERS: Readonly<Record<number, string>> = {
  401: "WWW-Authenticate",
  429: "Retry-After",
};

interface ContractBody {
  errorCode?: unknown;
  details?: unknown;
}

function parseContractBody(payload: ArrayBuffer): ContractBody | undefined {
  try {
    const body: unknown = JSON.parse(new TextDecoder().decode(payload));
    return typeof body === "object" && body !== null && !Array.isArray(body) ? body : undefined;
  } catch {
    return undefined;
  }
}

function contractDetails(details: unknown): ErrorDetail[] | undefined {
  if (!Array.isArray(details)) return undefined;
  return details.filter(
    (detail): detail is ErrorDetail =>
      typeof detail === "object" && detail !== null && !Array.isArray(detail),
  );
}

/**
 * Rethrows an upstream 4xx with its meaning: the contract body's errorCode when it agrees
 * with the status (so 401 stays 401, 403 stays 403), else the status's generic code; an
 * unknown 4xx is our integration bug, hence INTERNAL_ERROR. Never carries the upstream's URL.
 */
export function upstreamClientError(
  dependency: string,
  response: Response,
  payload: ArrayBuffer,
): AppError {
  const body = parseContractBody(payload);
  const declared = body?.errorCode;
  const fromBody = isErrorCode(declared) && ERROR_CATALOG[declared].status === response.status;
  const code = fromBody ? declared : (codeForStatus(response.status) ?? "INTERNAL_ERROR");
  const headerName = FORWARDED_HEADERS[response.status];
  const headerValue = headerName === undefined ? null : response.headers.get(headerName);
  return new AppError(code, {
    message: `${dependency} answered ${response.status} ${code}`,
    details: fromBody ? contractDetails(body?.details) : undefined,
    headers: headerName !== undefined && headerValue !== null ? { [headerName]: headerValue } : {},
  });
}
