/** A `host:port` a config names, on its own or in a URL. */
export interface NamedAddress {
  host: string;
  port: number;
  /** The text it was found in, for messages. */
  text: string;
}

// A host name (not an IP address: those start with a digit) then a port, e.g. `auth:8081`,
// `http://jaeger:4318`, `postgres://tracemesh@postgres:5432/tracemesh`. A YAML key and its value
// (`max_traces: 60000`) have a space between them, and never match.
const ADDRESS = /(?<![\w.-])([a-z][a-z0-9.-]*):(\d{2,5})(?![\d.])/g;

/** Every `host:port` in `text` whose host is a name. */
export function addressesIn(text: string): NamedAddress[] {
  return [...text.matchAll(ADDRESS)].map((match) => ({
    host: match[1] ?? "",
    port: Number(match[2]),
    text: match[0],
  }));
}
