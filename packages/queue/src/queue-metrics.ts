import {
  type Attributes,
  type Counter,
  type Histogram,
  type Meter,
  metrics,
  type ObservableGauge,
  type ObservableResult,
} from "@opentelemetry/api";
import { QUEUE_SCOPE } from "./messaging-attributes.ts";

export interface QueueMetrics {
  consumed: Counter;
  acked: Counter;
  redelivered: Counter;
  deadLettered: Counter;
  deadLetterFailures: Counter;
  stranded: Counter;
  processDuration: Histogram;
  lag: ObservableGauge;
}

/**
 * The consumer's instruments on meter "@tracemesh/queue". Created per consumer, not at import,
 * because the metrics API has no proxy: a meter taken before the SDK starts stays a no-op.
 */
export function createQueueMetrics(meter: Meter = metrics.getMeter(QUEUE_SCOPE)): QueueMetrics {
  return {
    consumed: meter.createCounter("messaging.client.consumed.messages", {
      description: "Messages delivered to the consumer, redeliveries included.",
      unit: "{message}",
    }),
    acked: meter.createCounter("tracemesh.queue.messages.acked", {
      description: "Messages acknowledged after their handler succeeded (or was already done).",
      unit: "{message}",
    }),
    redelivered: meter.createCounter("tracemesh.queue.messages.redelivered", {
      description: "Deliveries of a message that had been delivered before.",
      unit: "{message}",
    }),
    deadLettered: meter.createCounter("tracemesh.queue.messages.dead_lettered", {
      description: "Messages moved to the dead-letter stream, by reason.",
      unit: "{message}",
    }),
    deadLetterFailures: meter.createCounter("tracemesh.queue.dead_letter.failures", {
      description: "Publishes to the dead-letter stream that failed; the message is retried.",
      unit: "{message}",
    }),
    stranded: meter.createCounter("tracemesh.queue.messages.stranded", {
      description:
        "Messages the server will not deliver again that could not be dead-lettered either.",
      unit: "{message}",
    }),
    processDuration: meter.createHistogram("messaging.process.duration", {
      description: "Time to process one delivered message, handler and settlement included.",
      unit: "s",
      advice: {
        explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      },
    }),
    lag: meter.createObservableGauge("tracemesh.queue.consumer.lag", {
      description: "Messages in the stream not yet delivered to the consumer (num_pending).",
      unit: "{message}",
    }),
  };
}

/** Reports `read()` as the consumer lag until the returned function is called. */
export function observeLag(
  queueMetrics: QueueMetrics,
  attributes: Attributes,
  read: () => number | undefined,
): () => void {
  const callback = (result: ObservableResult) => {
    const value = read();
    if (value !== undefined) result.observe(value, attributes);
  };
  queueMetrics.lag.addCallback(callback);
  return () => queueMetrics.lag.removeCallback(callback);
}
