import { context } from "@opentelemetry/api";
import { suppressTracing } from "@opentelemetry/core";

/**
 * Runs `work` with tracing suppressed, e.g. the outbox relay's polls: run outside any request,
 * each of their queries would otherwise start a root trace of its own, every second.
 */
export function withoutTracing<T>(work: () => T): T {
  return context.with(suppressTracing(context.active()), work);
}
