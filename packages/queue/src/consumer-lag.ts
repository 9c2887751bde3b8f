import type { Consumer } from "@nats-io/jetstream";
import type { Attributes, ObservableResult } from "@opentelemetry/api";
import type { QueueLogger } from "./queue-logger.ts";
import type { QueueMetrics } from "./queue-metrics.ts";

export interface ConsumerLagOptions {
  /** The gauge's attributes: the messaging system, the stream and the consumer group. */
  attributes: Attributes;
  /** The pending count the consumer started with (its info). */
  initial: number;
  /** How often the server is asked while no message brings a fresh count. */
  refreshMs: number;
  logger?: QueueLogger | undefined;
}

export interface ConsumerLag {
  /** The pending count a delivered message came with. */
  update(pending: number): void;
  stop(): void;
}

/**
 * Reports the consumer's pending count as the lag gauge. Each message brings a fresh count, but
 * the messages stop exactly when a stalled consumer's lag grows: a tick without one asks the
 * server instead (unref'd, one request at a time).
 */
export function trackConsumerLag(
  metrics: QueueMetrics,
  consumer: Consumer,
  options: ConsumerLagOptions,
): ConsumerLag {
  const { attributes, logger } = options;
  let lag = options.initial;
  let fresh = false;
  let asking = false;
  let failing = false;

  const observe = (result: ObservableResult) => result.observe(lag, attributes);
  metrics.lag.addCallback(observe);

  const timer = setInterval(() => {
    if (asking) return;
    if (fresh) {
      fresh = false;
      return;
    }
    asking = true;
    consumer
      .info()
      .then(
        (info) => {
          failing = false;
          // A message that came meanwhile brought a newer count.
          if (!fresh) lag = info.num_pending;
        },
        (error: unknown) => {
          // The gauge keeps its last value; one line per outage, not one per tick.
          if (!failing) logger?.warn("queue.consumer.lag_unavailable", { error });
          failing = true;
        },
      )
      .finally(() => {
        asking = false;
      });
  }, options.refreshMs);
  timer.unref();

  return {
    update(pending) {
      lag = pending;
      fresh = true;
    },
    stop() {
      clearInterval(timer);
      metrics.lag.removeCallback(observe);
    },
  };
}
