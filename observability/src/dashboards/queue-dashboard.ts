import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { jaegerSearchLink, labelParam } from "./jaeger-link.ts";
import { timeseriesPanel } from "./timeseries-panel.ts";
import { tracemeshDashboard } from "./tracemesh-dashboard.ts";

const SUBJECT_LEGEND = "{{service}} {{messaging_destination_name}}";

// The consumer's span is "process <subject>" (packages/queue process-message.ts).
const processTraces = jaegerSearchLink({
  title: "Traces of this subject's processing in Jaeger",
  operation: `process%20${labelParam("messaging_destination_name")}`,
});
const failedProcessTraces = jaegerSearchLink({
  title: "Failed processing traces in Jaeger",
  errorsOnly: true,
});
const serviceTraces = jaegerSearchLink({ title: "Traces of this service in Jaeger" });

function processQuantile(quantile: number) {
  return {
    expr: `histogram_quantile(${quantile}, sum by (service, messaging_destination_name, tracemesh_message_outcome, le) (rate(messaging_process_duration_bucket[$__rate_interval])))`,
    legend: `p${quantile * 100} ${SUBJECT_LEGEND} {{tracemesh_message_outcome}}`,
  };
}

/**
 * The queue hop, todo-api's outbox → NATS JetStream → the notifier: what was written, delivered,
 * acknowledged, redelivered or lost, how far behind the consumer is and how long it takes.
 */
export function queueDashboard(): Dashboard {
  return tracemeshDashboard({
    uid: "tracemesh-queue",
    title: "tracemesh / Queue hop",
    description:
      "todo-api's outbox → NATS JetStream → the notifier: events written, deliveries, losses, lag, the outbox's backlog and processing time. Click a series for its traces in Jaeger.",
    panels: [
      timeseriesPanel({
        title: "Events written to the outbox per second",
        description:
          "todo-api's successful writes: each stores one event in the outbox, in the same transaction. No metric counts the relay's publishes: the outbox panels below show what waits.",
        unit: "ops",
        queries: [
          {
            expr: 'sum by (service, http_request_method) (rate(http_server_request_duration_count{service="todo-api", http_route=~"/v1/todos|/v1/todos/:id", http_request_method=~"POST|PATCH|DELETE", http_response_status_code=~"2.."}[$__rate_interval]))',
            legend: "{{service}} {{http_request_method}}",
          },
        ],
        links: [serviceTraces],
      }),
      timeseriesPanel({
        title: "Deliveries per second: consumed, acknowledged, redelivered",
        description:
          "Consumed counts every delivery, redeliveries included; QueueRedeliveriesHigh files a ticket when over 10 % are repeats.",
        unit: "ops",
        queries: [
          {
            expr: "sum by (service, messaging_destination_name) (rate(messaging_client_consumed_messages_total[$__rate_interval]))",
            legend: `consumed ${SUBJECT_LEGEND}`,
          },
          {
            expr: "sum by (service, messaging_destination_name) (rate(tracemesh_queue_messages_acked_total[$__rate_interval]))",
            legend: `acked ${SUBJECT_LEGEND}`,
          },
          {
            expr: "sum by (service, messaging_destination_name) (rate(tracemesh_queue_messages_redelivered_total[$__rate_interval]))",
            legend: `redelivered ${SUBJECT_LEGEND}`,
          },
        ],
        links: [processTraces],
      }),
      timeseriesPanel({
        title: "Dead-lettered, by reason (total since the consumer started)",
        description:
          "Messages moved to the dead-letter stream: their notification was not delivered. Totals, not rates: a single dead letter matters. QueueMessagesDeadLettered files a ticket.",
        unit: "short",
        queries: [
          {
            expr: "sum by (service, messaging_destination_name, tracemesh_dead_letter_reason) (tracemesh_queue_messages_dead_lettered_total)",
            legend: `${SUBJECT_LEGEND} {{tracemesh_dead_letter_reason}}`,
          },
        ],
        links: [failedProcessTraces],
      }),
      timeseriesPanel({
        title: "Stranded messages and failed dead-letter publishes (totals)",
        description:
          "Stranded: NATS will not deliver the message again and the dead-letter stream refused it; QueueMessagesStranded pages. A failed dead-letter publish is retried.",
        unit: "short",
        queries: [
          {
            expr: "sum by (service) (tracemesh_queue_messages_stranded_total)",
            legend: "stranded {{service}}",
          },
          {
            expr: "sum by (service) (tracemesh_queue_dead_letter_failures_total)",
            legend: "dead-letter publish failed {{service}}",
          },
        ],
        links: [failedProcessTraces],
      }),
      timeseriesPanel({
        title: "Consumer lag: messages not yet delivered",
        description:
          "The stream's messages the consumer has not been given yet; QueueConsumerLagGrowing files a ticket above 100 and growing.",
        unit: "short",
        queries: [
          {
            expr: "max by (service, messaging_consumer_group_name) (tracemesh_queue_consumer_lag)",
            legend: "{{service}} {{messaging_consumer_group_name}}",
          },
        ],
        threshold: 100,
        links: [serviceTraces],
      }),
      timeseriesPanel({
        title: "Processing duration p50 and p95, by outcome",
        description: "Handler and settlement of one delivered message, by how it ended.",
        unit: "s",
        queries: [processQuantile(0.5), processQuantile(0.95)],
        links: [processTraces],
      }),
      timeseriesPanel({
        title: "Outbox rows pending and parked",
        description:
          "Pending: written, not yet published to NATS. Parked: rows NATS will never take (malformed, too large); OutboxRowsParked files a ticket.",
        unit: "short",
        queries: [
          { expr: "max by (service) (tracemesh_outbox_pending)", legend: "pending {{service}}" },
          { expr: "max by (service) (tracemesh_outbox_parked)", legend: "parked {{service}}" },
        ],
        links: [serviceTraces],
      }),
      timeseriesPanel({
        title: "Age of the oldest pending outbox event",
        description:
          "0 when nothing waits; OutboxEventsStuck pages when an event has waited over 2 minutes.",
        unit: "s",
        queries: [
          {
            expr: "max by (service) (tracemesh_outbox_oldest_pending_age)",
            legend: "{{service}}",
          },
        ],
        threshold: 120,
        links: [serviceTraces],
      }),
      timeseriesPanel({
        title: "Notifications delivered and skipped per second",
        description:
          "The end of the hop: todo notifications (and alerts) the notifier delivered, by kind and channel, and events it told no one, by reason (recipient_not_found: auth knows no such owner).",
        unit: "ops",
        queries: [
          {
            expr: "sum by (service, notification_kind, notification_channel) (rate(tracemesh_notifications_delivered_total[$__rate_interval]))",
            legend: "{{service}} {{notification_kind}} {{notification_channel}}",
          },
          {
            expr: "sum by (service, notification_kind, reason) (rate(tracemesh_notifications_skipped_total[$__rate_interval]))",
            legend: "{{service}} {{notification_kind}} skipped: {{reason}}",
          },
        ],
        span: 24,
        links: [serviceTraces],
      }),
    ],
  });
}
