import {
  type Counter,
  type MeterProvider,
  metrics,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import type { AppError } from "@tracemesh/errors";
import { DependencyError } from "@tracemesh/errors";
import { recordRedactedException } from "@tracemesh/telemetry";

let counter: { provider: MeterProvider; instrument: Counter } | undefined;

/**
 * The errors counter of the current global meter provider. The API has no proxy meter
 * provider, so a counter made before the SDK registered would stay a no-op forever.
 */
function errorsCounter(): Counter {
  const provider = metrics.getMeterProvider();
  if (counter?.provider !== provider) {
    const instrument = provider.getMeter("@tracemesh/http").createCounter("tracemesh.errors", {
      description: "Error responses, by errorCode and HTTP status.",
      unit: "{error}",
    });
    counter = { provider, instrument };
  }
  return counter.instrument;
}

/**
 * Counts the error (Prometheus `tracemesh_errors_total{error_code,http_response_status_code}`,
 * with `http_route` when a route matched, and `dependency` when a dependency's failure caused
 * it: what the DependencyUnavailable alert reads) and, for 5xx, records the exception on the
 * active span and marks it ERROR. Telemetry failures are swallowed: they must never turn an
 * error response into a crash.
 */
export function recordErrorTelemetry(error: AppError, status: number, route?: string): void {
  try {
    // A caller's deadline that ran out is no failure of the dependency's: no `dependency`.
    const blamed = error instanceof DependencyError && !error.deadlineExceeded;
    errorsCounter().add(1, {
      "error.code": error.code,
      "http.response.status_code": status,
      ...(route === undefined ? {} : { "http.route": route }),
      ...(blamed ? { dependency: error.dependency } : {}),
    });
    const span = trace.getActiveSpan();
    if (!span) return;
    span.setAttribute("error.code", error.code);
    if (status < 500) return;
    const recorded =
      error.code === "INTERNAL_ERROR" && error.cause instanceof Error ? error.cause : error;
    recordRedactedException(span, recorded);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.code });
  } catch {
    // The error response matters more than its count; no request logger is at hand to tell.
  }
}
