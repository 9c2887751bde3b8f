import { createChaosControls } from "@tracemesh/chaos";
import { runService, startHttpServer } from "@tracemesh/http";
import { createLogger } from "@tracemesh/logger";
import { createApp } from "./app.ts";
import { type Config, loadConfig } from "./config.ts";
import { createLoginThrottle } from "./rate-limit/login-throttle.ts";
import { generateSigningKey, importSigningKey } from "./tokens/signing-key.ts";
import { DEMO_USERS } from "./users/demo-users.ts";
import { createUserDirectory } from "./users/user-directory.ts";

const SERVICE = "auth";

async function start(config: Config): Promise<void> {
  const logger = createLogger({ service: SERVICE, level: config.logLevel });
  const { privateKeyPem } = config.tokens;
  const signingKey = privateKeyPem
    ? await importSigningKey(privateKeyPem)
    : await generateSigningKey();
  const users = await createUserDirectory(DEMO_USERS);
  logger.info("auth.initialized", {
    kid: signingKey.kid,
    keySource: privateKeyPem ? "config" : "generated",
    users: DEMO_USERS.length,
    chaosEnabled: config.chaos !== undefined,
  });
  if (config.serviceToken === undefined) {
    logger.warn("auth.service_token_missing", { effect: "GET /v1/users/:id refuses every call" });
  }

  const app = createApp({
    logger,
    users,
    signingKey,
    tokens: config.tokens,
    loginThrottle: createLoginThrottle(config.loginRateLimit),
    trustedProxyHops: config.trustedProxyHops,
    serviceToken: config.serviceToken,
    requestBudgetMs: config.requestBudgetMs,
    chaos: config.chaos ? createChaosControls({ token: config.chaos.token, logger }) : undefined,
  });
  // Graceful shutdown on SIGTERM/SIGINT: not ready, a grace period, stop accepting, drain,
  // flush telemetry, exit.
  await startHttpServer({
    app,
    port: config.port,
    logger,
    ...config.shutdown,
  });
}

await runService({ name: SERVICE, loadConfig, start });
