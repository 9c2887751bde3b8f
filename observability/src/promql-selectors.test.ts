import { describe, expect, test } from "vitest";
import { vectorSelectors } from "./promql-selectors.ts";

const texts = (expr: string) => vectorSelectors(expr).map((selector) => selector.text);

describe("vectorSelectors", () => {
  test("a bare metric, and one with matchers whose values hold braces, commas and quotes", () => {
    expect(texts("up == 0")).toEqual(["up"]);
    expect(
      vectorSelectors(
        'rate(http_server_request_duration_count{http_route!~"/v1/{id}", a="b,\\"c"}[5m])',
      ),
    ).toEqual([
      {
        metric: "http_server_request_duration_count",
        text: 'http_server_request_duration_count{http_route!~"/v1/{id}", a="b,\\"c"}',
      },
    ]);
  });

  test("recording rules' names are selectors; functions, aggregations and label lists are not", () => {
    expect(
      texts(
        `service:http_server_error_ratio:rate1m > 0.05
         and on (service) service:http_server_requests:rate1m >= 0.2`,
      ),
    ).toEqual(["service:http_server_error_ratio:rate1m", "service:http_server_requests:rate1m"]);
    expect(
      texts(
        "histogram_quantile(0.99, sum by (service, http_route, le) (rate(x_bucket[5m])))" +
          " / ignoring(le) group_left(service) sum without (instance) (y)",
      ),
    ).toEqual(["x_bucket", "y"]);
    expect(texts("max by (service) (max_over_time(breaker[30s])) >= 2")).toEqual(["breaker"]);
  });

  test("numbers, durations, offsets, subqueries and strings hold none", () => {
    expect(
      texts('a offset 5m + b[1h:30s] * 1e3 - Inf + label_replace(c, "d", "e", "f", "g")'),
    ).toEqual(["a", "b", "c"]);
    expect(texts('sum(rate(m{k="v"}[1m] @ 1700000000))')).toEqual(['m{k="v"}']);
  });

  test("a selector of matchers only has no metric name", () => {
    expect(vectorSelectors('count({__name__=~"tracemesh_.+"})')).toEqual([
      { metric: undefined, text: '{__name__=~"tracemesh_.+"}' },
    ]);
  });

  test("an unbalanced bracket is an error, not a silent miss", () => {
    expect(() => vectorSelectors('up{service="a"')).toThrow(/unbalanced/);
  });
});
