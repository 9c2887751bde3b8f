import { AppError, DependencyError } from "@tracemesh/errors";
import type { DependencyClient, DependencyRequest } from "@tracemesh/resilience";
import type { DeliveryLogger } from "./log-sink.ts";
import type { NotificationSink } from "./notification-sink.ts";

export interface WebhookSinkOptions {
  /** The dependency client of the webhook's origin, named "webhook". */
  client: DependencyClient;
  /** Path and query of the webhook under the client's base URL, e.g. `/hooks/tracemesh`. */
  path: string;
  logger: DeliveryLogger;
}

/** `NOTIFY_WEBHOOK_URL` split for the dependency client: its origin, and the rest. */
export function webhookTarget(url: string): { baseUrl: string; path: string } {
  const parsed = new URL(url);
  return { baseUrl: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
}

/**
 * POSTs each notification as JSON with `Idempotency-Key: <notification id>`; only a 2xx is a
 * delivery. The key makes a repeat harmless, so the call is retried like an idempotent one; a
 * 5xx, a timeout or a refused connection rejects with DependencyError "webhook", and so do a
 * 3xx and a 4xx: the receiver's
 * refusal is ours to fix, never the meaning of a request that caused the delivery (an
 * Alertmanager told 401 would think its own token wrong). A 429's or 503's Retry-After is the
 * DependencyError's `retryAfterSeconds`, which the event's redelivery waits for.
 */
export function createWebhookSink(options: WebhookSinkOptions): NotificationSink {
  const { client, path, logger } = options;
  return {
    channel: "webhook",
    async deliver(notification, deadline) {
      const response = await send(client, {
        method: "POST",
        path,
        body: notification,
        headers: { "Idempotency-Key": notification.id },
        idempotent: true,
        deadline,
      });
      // Any other 3xx (the client fails the redirects fetch would follow) took nothing in. The
      // client counted the attempt a success: its breaker and attempt metrics see a healthy
      // webhook, the delivery failures and their retries show the fault.
      if (response.status < 200 || response.status >= 300) {
        throw new DependencyError({
          dependency: client.name,
          message: `${client.name} answered ${response.status}, not a 2xx: the notification was not taken`,
        });
      }
      logger.info("notification.delivered", {
        channel: "webhook",
        kind: notification.kind,
        notificationId: notification.id,
        status: response.status,
      });
    },
  };
}

async function send(client: DependencyClient, request: DependencyRequest): Promise<Response> {
  try {
    return await client.request(request);
  } catch (error) {
    if (!(error instanceof AppError) || error instanceof DependencyError) throw error;
    // A 429's own wait (the client caps it at a minute) goes with the failure: the redelivery
    // honours it. A 429 without one asked for nothing.
    const retryAfterSeconds = Number(error.headers["Retry-After"]);
    throw new DependencyError({
      dependency: client.name,
      message: `${client.name} refused the notification: ${error.code}`,
      cause: error,
      ...(retryAfterSeconds > 0 && { retryAfterSeconds }),
    });
  }
}
