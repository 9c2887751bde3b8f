import type { Deadline } from "@tracemesh/resilience";
import type { Notification } from "../delivery/notification.ts";
import type { DeliveryChannel, NotificationSink } from "../delivery/notification-sink.ts";

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
