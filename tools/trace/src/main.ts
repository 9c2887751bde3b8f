import { fetchTrace } from "@tracemesh/trace-query";
import { loadConfig } from "./config.ts";
import { renderTrace } from "./render-trace.ts";

const TRACE_ID = /^[0-9a-f]{32}$/;
const traceId = process.argv[2]?.toLowerCase();

if (!traceId || !TRACE_ID.test(traceId)) {
  console.error("usage: pnpm trace <traceId>   (32 hex characters, e.g. from a traceId field)");
  process.exit(2);
}

const { queryUrls } = loadConfig();
const reached: string[] = [];
for (const baseUrl of queryUrls) {
  try {
    const spans = await fetchTrace(traceId, { baseUrl });
    reached.push(baseUrl);
    if (spans && spans.length > 0) {
      console.log(`${renderTrace(spans, { color: process.stdout.isTTY })}\n(from ${baseUrl})`);
      process.exit(0);
    }
  } catch {
    // Not running there: try the next query API.
  }
}
console.error(
  reached.length > 0
    ? `trace ${traceId} not found at ${reached.join(", ")} (spans are exported every few seconds: try again; a backend keeps only its latest traces)`
    : `no trace query API answered at ${queryUrls.join(", ")}: start Jaeger or the local sink (pnpm demo)`,
);
process.exit(1);
