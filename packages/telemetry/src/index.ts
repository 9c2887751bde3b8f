export { matchedRoute } from "./matched-route.ts";
export {
  type RequestContextOptions,
  type RequestIdentity,
  requestContext,
  resolveRequestIdentity,
  safeRequestId,
  traceIdOf,
} from "./request-context.ts";
