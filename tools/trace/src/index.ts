export { DEFAULT_QUERY_URLS } from "./config.ts";
export { type RenderOptions, renderTrace } from "./render-trace.ts";
