import * as v from "valibot";

const AlertStatus = v.picklist(["firing", "resolved"]);
const LabelSet = v.record(v.string(), v.string());
// Go writes RFC 3339 with up to nine fractional digits; "0001-01-01T00:00:00Z" means "not yet".
// Also readable by Date.parse: valibot's check lets through offsets such as "+02" it cannot read.
const Timestamp = v.pipe(
  v.string(),
  v.isoTimestamp(),
  v.check((value) => !Number.isNaN(Date.parse(value)), "invalid_value"),
);

/** One alert of Alertmanager's webhook notification. */
export const AlertSchema = v.object({
  status: AlertStatus,
  labels: LabelSet,
  annotations: LabelSet,
  startsAt: Timestamp,
  endsAt: Timestamp,
  generatorURL: v.string(),
  fingerprint: v.pipe(v.string(), v.regex(/^[0-9a-f]{1,64}$/i)),
});

/**
 * Alertmanager's webhook payload, version "4"
 * (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config).
 */
export const AlertmanagerPayloadSchema = v.object({
  version: v.literal("4"),
  groupKey: v.string(),
  // Added in Alertmanager 0.22; older senders omit it.
  truncatedAlerts: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 0),
  status: AlertStatus,
  receiver: v.string(),
  groupLabels: LabelSet,
  commonLabels: LabelSet,
  commonAnnotations: LabelSet,
  externalURL: v.string(),
  alerts: v.pipe(v.array(AlertSchema), v.minLength(1)),
});

export type AlertmanagerPayload = v.InferOutput<typeof AlertmanagerPayloadSchema>;
export type Alert = v.InferOutput<typeof AlertSchema>;
