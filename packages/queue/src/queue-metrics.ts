import {
  type Counter,
  type Histogram,
  type Meter,
  metrics,
  type ObservableGauge,
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
  const messages = (name: string, description: string) =>
    meter.createCounter(name, { description, unit: "{message}" });
  return {
    consumed: messages(
      "messaging.client.consumed.messages",
      "Messages delivered to the consumer, redeliveries included.",
    ),
    acked: messages(
      "tracemesh.queue.messages.acked",
      "Messages acknowledged after their handler succeeded (or was already done).",
    ),
    redelivered: messages(
      "tracemesh.queue.messages.redelivered",
      "Deliveries of a message that had been delivered before.",
    ),
    deadLettered: messages(
      "tracemesh.queue.messages.dead_lettered",
      "Messages moved to the dead-letter stream, by reason.",
    ),
    deadLetterFailures: messages(
      "tracemesh.queue.dead_letter.failures",
      "Publishes to the dead-letter stream that failed; the message is retried.",
    ),
    stranded: messages(
      "tracemesh.queue.messages.stranded",
      "Messages the server will not deliver again that could not be dead-lettered either.",
    ),
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
