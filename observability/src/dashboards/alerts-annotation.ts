import type { Builder } from "@grafana/grafana-foundation-sdk/cog";
import type { AnnotationQuery } from "@grafana/grafana-foundation-sdk/dashboard";
import { PROMETHEUS } from "./datasources.ts";

/** A Prometheus annotation: the SDK's AnnotationQuery has no field for how events are named. */
export interface PrometheusAnnotationQuery extends AnnotationQuery {
  expr: string;
  /** Resolution of the query: one event per series and run of non-zero samples at this step. */
  step: string;
  titleFormat: string;
  textFormat: string;
  /** Labels that become the event's tags, comma-separated. */
  tagKeys: string;
}

/** The annotation query of ALERTS: each firing alert of Prometheus as a region on the graphs. */
export const FIRING_ALERTS_EXPR = 'ALERTS{alertstate="firing"}';

/** Marks every firing alert (its name, service and severity) on the dashboard's panels. */
export function firingAlertsAnnotation(): Builder<AnnotationQuery> {
  return {
    build: (): PrometheusAnnotationQuery => ({
      name: "Firing alerts",
      datasource: PROMETHEUS,
      enable: true,
      iconColor: "red",
      expr: FIRING_ALERTS_EXPR,
      step: "5s",
      titleFormat: "{{alertname}}",
      textFormat: "{{service}} ({{severity}})",
      tagKeys: "alertname,service,severity",
    }),
  };
}
