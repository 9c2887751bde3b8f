import {
  GraphThresholdsStyleConfigBuilder,
  GraphThresholdsStyleMode,
  LegendDisplayMode,
  LegendPlacement,
  SortOrder,
  TooltipDisplayMode,
  VizLegendOptionsBuilder,
  VizTooltipOptionsBuilder,
} from "@grafana/grafana-foundation-sdk/common";
import {
  type DashboardLinkBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
} from "@grafana/grafana-foundation-sdk/dashboard";
import { PanelBuilder } from "@grafana/grafana-foundation-sdk/timeseries";
import { PROMETHEUS } from "./datasources.ts";
import { type PanelQuery, prometheusTarget } from "./prometheus-target.ts";

/** What a tracemesh time series panel shows and where its series lead. */
export interface TimeseriesPanelOptions {
  title: string;
  description: string;
  /** Grafana's unit id: "reqps", "s", "percentunit", "short"… */
  unit: string;
  queries: PanelQuery[];
  /** Data links: where a click on a series leads (Jaeger's search for it). */
  links?: DashboardLinkBuilder[];
  /** A line at the value an alert fires at: red above it. */
  threshold?: number;
  /**
   * A line at the value an alert needs the series to reach before it may fire (a traffic
   * floor): green above it, orange below, where nothing pages. Not with `threshold`.
   */
  floor?: number;
  /** Grid columns out of 24. @default 12 */
  span?: number;
}

/**
 * A time series panel of Prometheus queries, with its alert's threshold (red above) or traffic
 * floor (green above, orange below) drawn as a dashed line.
 */
export function timeseriesPanel(options: TimeseriesPanelOptions): PanelBuilder {
  const panel = new PanelBuilder()
    .title(options.title)
    .description(options.description)
    .datasource(PROMETHEUS)
    .targets(options.queries.map(prometheusTarget))
    .unit(options.unit)
    .min(0)
    .span(options.span ?? 12)
    .height(8)
    .fillOpacity(10)
    .legend(
      new VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(LegendDisplayMode.List)
        .placement(LegendPlacement.Bottom),
    )
    .tooltip(
      new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending),
    )
    .dataLinks(options.links ?? []);
  const steps =
    options.threshold !== undefined
      ? [
          { value: null, color: "green" },
          { value: options.threshold, color: "red" },
        ]
      : options.floor !== undefined
        ? [
            { value: null, color: "orange" },
            { value: options.floor, color: "green" },
          ]
        : undefined;
  if (steps) {
    panel
      .thresholds(new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps))
      .thresholdsStyle(
        new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed),
      );
  }
  return panel;
}
