import { DEFAULT_QUERY_URLS } from "@tracemesh/trace";

/**
 * The `pnpm trace` command that finds `traceId` at `queryUrl`: with TRACE_QUERY_URL when that is
 * not where the command looks by default (a local sink moved off 4318, which was taken).
 */
export function traceCommand(traceId: string, queryUrl: string): string {
  const where = DEFAULT_QUERY_URLS.includes(queryUrl) ? "" : `TRACE_QUERY_URL=${queryUrl} `;
  return `${where}pnpm trace ${traceId}`;
}
