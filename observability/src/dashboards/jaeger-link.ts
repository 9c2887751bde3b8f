import {
  DashboardLinkBuilder,
  TextBoxVariableBuilder,
} from "@grafana/grafana-foundation-sdk/dashboard";

/** The dashboard variable holding the Jaeger UI's address, as the browser reaches it. */
export const JAEGER_URL_VARIABLE = "jaeger_url";
/** Where docker compose publishes Jaeger's UI. */
export const DEFAULT_JAEGER_URL = "http://localhost:16686";

/** The `jaeger_url` textbox, so a Jaeger elsewhere needs no change to the dashboards. */
export function jaegerUrlVariable(): TextBoxVariableBuilder {
  return new TextBoxVariableBuilder(JAEGER_URL_VARIABLE)
    .label("Jaeger UI")
    .description("Where the panels' trace links lead: the Jaeger UI as your browser reaches it.")
    .defaultValue(DEFAULT_JAEGER_URL)
    .current({ text: DEFAULT_JAEGER_URL, value: DEFAULT_JAEGER_URL });
}

/** A search of Jaeger's UI, in Grafana expressions resolved when the link is followed. */
export interface JaegerSearch {
  /** The link's text in the panel's menu. */
  title: string;
  /** The service searched, as a Grafana expression. @default the series' `service` label */
  service?: string;
  /** The operation (span name) searched, as a Grafana expression. @default any operation */
  operation?: string;
  /** Only traces with a failed span (Jaeger's `error=true` tag). @default false */
  errorsOnly?: boolean;
  /**
   * Only traces with a span of this tag (attribute): its key, and its value as it goes in the
   * URL, `labelParam(label)` for the series' label. A 4xx marks no span failed, so a search for
   * one goes by its status code or errorCode. @default none
   */
  tag?: [key: string, value: string];
}

/** A Grafana interpolation, `${expression}`, replaced when the link is followed. */
export function grafanaVariable(expression: string): string {
  return `\${${expression}}`;
}

/** A series label, percent-encoded for a query parameter. */
export function labelParam(label: string): string {
  return grafanaVariable(`__field.labels.${label}:percentencode`);
}

/** The operation of an HTTP server span: the method, a space, the route ("GET /v1/todos"). */
export const HTTP_SERVER_OPERATION = `${labelParam("http_request_method")}%20${labelParam("http_route")}`;

// Jaeger's UI (jaeger-ui SearchTracePage/url.ts) reads service, operation, start and end in
// microseconds, limit, lookback ("custom" keeps the range as given) and tags, a JSON object of
// tag values; Grafana's ${__from} and ${__to} are milliseconds, hence the three zeros.

/** Jaeger's `tags` parameter: a JSON object, percent-encoded around values already in URL form. */
function tagsParam(tags: [key: string, value: string][]): string {
  const pairs = tags.map(
    ([key, value]) => `${encodeURIComponent(`${JSON.stringify(key)}:"`)}${value}%22`,
  );
  return `tags=%7B${pairs.join("%2C")}%7D`;
}

/** The URL of Jaeger's search for the series' service over the dashboard's time range. */
export function jaegerSearchUrl(search: Omit<JaegerSearch, "title">): string {
  const params = [
    `service=${search.service ?? labelParam("service")}`,
    ...(search.operation === undefined ? [] : [`operation=${search.operation}`]),
    `start=${grafanaVariable("__from")}000`,
    `end=${grafanaVariable("__to")}000`,
    "lookback=custom",
    "limit=20",
  ];
  const tags: [string, string][] = [
    ...(search.errorsOnly ? [["error", "true"] as [string, string]] : []),
    ...(search.tag ? [search.tag] : []),
  ];
  if (tags.length > 0) params.push(tagsParam(tags));
  return `${grafanaVariable(JAEGER_URL_VARIABLE)}/search?${params.join("&")}`;
}

/** A data link opening Jaeger's search in a new tab. */
export function jaegerSearchLink(search: JaegerSearch): DashboardLinkBuilder {
  return new DashboardLinkBuilder(search.title).url(jaegerSearchUrl(search)).targetBlank(true);
}
