import { Writable } from "node:stream";
import { createLogger } from "@tracemesh/logger";
import type { Deadline } from "@tracemesh/resilience";
import type { Notification } from "../delivery/notification.ts";
import type { DeliveryChannel, NotificationSink } from "../delivery/notification-sink.ts";

/** A logger writing into memory, and the JSON lines it wrote so far. */
export function captureLogger(service = "notifier") {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  const logger = createLogger({ service, level: "debug", stream });
  async function lines(): Promise<Record<string, unknown>[]> {
    // winston hands records to its transport through stream buffers: let them drain.
    await new Promise((resolve) => setImmediate(resolve));
    return chunks
      .join("")
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
  return { logger, lines };
}

/** A sink keeping what it was given; `fail` makes the next deliveries reject with that error. */
export function captureSink(channel: DeliveryChannel = "webhook") {
  const delivered: { notification: Notification; deadline: Deadline }[] = [];
  let failure: Error | undefined;
  const sink: NotificationSink = {
    channel,
    async deliver(notification, deadline) {
      if (failure) throw failure;
      delivered.push({ notification, deadline });
    },
  };
  return {
    sink,
    delivered,
    notifications: () => delivered.map((each) => each.notification),
    fail(error: Error | undefined) {
      failure = error;
    },
  };
}
