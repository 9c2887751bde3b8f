import { configOrExit } from "@tracemesh/config";
import { askQueryApi, explainMiss, type QueryAnswer } from "./ask-query-api.ts";
import { DEFAULT_QUERY_URLS, loadConfig } from "./config.ts";
import { renderTrace } from "./render-trace.ts";
import { traceIdArgument } from "./trace-id-argument.ts";

const traceId = traceIdArgument(process.argv.slice(2));
if (traceId === undefined) {
  console.error(
    [
      "usage: pnpm trace <traceId>",
      "  the 32 hex characters of an error body's traceId, or a whole traceresponse or traceparent value",
      `  asks Jaeger's query API, then the local sink (${DEFAULT_QUERY_URLS.join(", ")}); TRACE_QUERY_URL=<url> asks that one instead`,
    ].join("\n"),
  );
  process.exit(2);
}

const { queryUrls } = configOrExit("trace", () => loadConfig());
const answers: QueryAnswer[] = [];
for (const baseUrl of queryUrls) {
  const answer = await askQueryApi(traceId, baseUrl);
  if (answer.kind === "found") {
    console.log(`${renderTrace(answer.spans, { color: process.stdout.isTTY })}\n(from ${baseUrl})`);
    process.exit(0);
  }
  answers.push(answer);
}
console.error(explainMiss(traceId, answers));
process.exit(1);
