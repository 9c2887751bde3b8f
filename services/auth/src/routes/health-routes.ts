import { Hono } from "hono";

/**
 * `/health/live` (the process answers) and `/health/ready` (it can serve: users and signing key
 * are loaded before the app exists, so readiness is the app answering at all). Chaos never
 * touches them: a probe must report the process, not the experiment.
 */
export function healthRoutes(): Hono {
  return new Hono()
    .get("/health/live", (c) => c.json({ status: "ok" }))
    .get("/health/ready", (c) => c.json({ status: "ok" }));
}
