export { type RenderOptions, renderTrace } from "./render-trace.ts";
