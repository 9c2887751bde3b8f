/** The sample lines of a Prometheus text exposition whose metric name is one of `names`. */
export async function scrapeMetrics(url: string, names: string[]): Promise<string[]> {
  const text = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
    (response) => response.text(),
    () => "",
  );
  return text
    .split("\n")
    .filter((line) => !line.startsWith("#") && names.some((name) => line.startsWith(`${name}{`)));
}
