import type { ChaosControls } from "@tracemesh/chaos";
import { createServiceApp } from "@tracemesh/http";
import type { Logger } from "@tracemesh/logger";
import type { Hono } from "hono";
import type { LoginThrottle } from "./rate-limit/login-throttle.ts";
import { authorizeRoute } from "./routes/authorize-route.ts";
import { healthRoutes } from "./routes/health-routes.ts";
import { jwksRoute } from "./routes/jwks-route.ts";
import { tokenRoute } from "./routes/token-route.ts";
import { usersRoute } from "./routes/users-route.ts";
import type { SigningKey } from "./tokens/signing-key.ts";
import { createTokenIssuer } from "./tokens/token-issuer.ts";
import type { TokenSettings } from "./tokens/token-settings.ts";
import { createTokenVerifier } from "./tokens/token-verifier.ts";
import type { UserDirectory } from "./users/user-directory.ts";

export interface AppDeps {
  logger: Logger;
  users: UserDirectory;
  signingKey: SigningKey;
  tokens: TokenSettings;
  loginThrottle: LoginThrottle;
  /** Reverse proxies whose X-Forwarded-For entry is trusted for rate limiting. */
  trustedProxyHops: number;
  /** Bearer secret of service-to-service calls; undefined refuses them. */
  serviceToken: string | undefined;
  /** Time budget of one request; callers may shorten it, never lengthen it. */
  requestBudgetMs: number;
  /** Present only with CHAOS_ENABLED=true: mounts `/chaos` and the fault injection. */
  chaos?: ChaosControls | undefined;
  /** Clock of token issue and verification. @default Date.now */
  now?: () => number;
}

/** The auth service's Hono app: tokens, JWKS, authorization decisions, user profiles. */
export function createApp(deps: AppDeps): Hono {
  const { logger, users, signingKey, tokens, now = Date.now } = deps;
  const app = createServiceApp({
    logger,
    requestBudgetMs: deps.requestBudgetMs,
    chaos: deps.chaos,
  });
  app.route("/", healthRoutes());
  app.route("/", jwksRoute([signingKey]));
  app.route(
    "/",
    tokenRoute({
      users,
      issuer: createTokenIssuer(signingKey, tokens, now),
      loginThrottle: deps.loginThrottle,
      trustedProxyHops: deps.trustedProxyHops,
    }),
  );
  app.route(
    "/",
    authorizeRoute({ users, verifier: createTokenVerifier([signingKey], tokens, now) }),
  );
  app.route("/", usersRoute({ users, serviceToken: deps.serviceToken }));
  return app;
}
