import { DataqueryBuilder } from "@grafana/grafana-foundation-sdk/prometheus";
import { PROMETHEUS } from "./datasources.ts";

/** One PromQL query of a panel and how its series are named. */
export interface PanelQuery {
  expr: string;
  /** Grafana's legend format, e.g. "{{service}} {{http_route}}". */
  legend: string;
}

/** A Prometheus range query of a panel, `refId` A, B… in the panel's order. */
export function prometheusTarget(query: PanelQuery, index: number): DataqueryBuilder {
  return new DataqueryBuilder()
    .datasource(PROMETHEUS)
    .refId(String.fromCharCode(65 + index))
    .expr(query.expr)
    .legendFormat(query.legend)
    .range();
}
