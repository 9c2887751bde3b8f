/** A span of time Prometheus is asked about, in epoch milliseconds. */
export interface TimeWindow {
  start: number;
  end: number;
}

interface ApiAnswer<T> {
  status: "success" | "error";
  data?: T;
  error?: string;
}

async function askPrometheus<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const answer = (await response.json()) as ApiAnswer<T>;
  if (answer.status !== "success" || answer.data === undefined) {
    throw new Error(answer.error ?? `${response.status} from ${url}`);
  }
  return answer.data;
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/**
 * How many series `expr` returns as a range query over `window`, one point every `stepSeconds`:
 * what a Grafana panel over that range would draw. Throws Prometheus's error for a bad query.
 */
export async function rangeSeriesCount(
  prometheusUrl: string,
  expr: string,
  window: TimeWindow,
  stepSeconds = 5,
): Promise<number> {
  const params = new URLSearchParams({
    query: expr,
    start: seconds(window.start),
    end: seconds(window.end),
    step: String(stepSeconds),
  });
  const data = await askPrometheus<{ result: unknown[] }>(
    `${prometheusUrl}/api/v1/query_range?${params}`,
  );
  return data.result.length;
}

/** How many series a vector selector matches over `window` (Prometheus's series API). */
export async function matchingSeriesCount(
  prometheusUrl: string,
  selector: string,
  window: TimeWindow,
): Promise<number> {
  const params = new URLSearchParams({
    "match[]": selector,
    start: seconds(window.start),
    end: seconds(window.end),
  });
  return (await askPrometheus<unknown[]>(`${prometheusUrl}/api/v1/series?${params}`)).length;
}
