import { closeSync, mkdirSync, openSync, readSync } from "node:fs";
import { dirname } from "node:path";
import { StringDecoder } from "node:string_decoder";

/** One parsed JSON log line of a service; a line that is not JSON is kept as `raw`. */
export type LogLine = Record<string, unknown> & { event?: string; traceId?: string };

/**
 * Creates (or empties) `path` and opens it for a child's stdout and stderr. The child writes
 * into the file itself: through a pipe, the child's writes are synchronous on Linux and wait
 * whenever the reader falls behind, so a busy parent (a load generator, a test) would slow the
 * service it is looking at. Close the descriptor once the child is spawned.
 */
export function openLogFile(path: string): number {
  mkdirSync(dirname(path), { recursive: true });
  return openSync(path, "w");
}

/**
 * The lines written to `path` so far, parsed: each call reads only what was added since the last
 * and keeps a line that is not finished yet for the next.
 */
export function logLineReader(path: string): () => LogLine[] {
  const lines: LogLine[] = [];
  const decoder = new StringDecoder("utf8");
  const chunk = Buffer.alloc(256 * 1024);
  let offset = 0;
  let unfinished = "";
  return () => {
    const fd = openSync(path, "r");
    try {
      for (;;) {
        const read = readSync(fd, chunk, 0, chunk.length, offset);
        if (read === 0) break;
        offset += read;
        const parts = (unfinished + decoder.write(chunk.subarray(0, read))).split("\n");
        unfinished = parts.pop() ?? "";
        for (const line of parts) if (line !== "") lines.push(parseLogLine(line));
      }
    } finally {
      closeSync(fd);
    }
    return lines;
  };
}

function parseLogLine(line: string): LogLine {
  try {
    return JSON.parse(line) as LogLine;
  } catch {
    return { event: "raw", text: line };
  }
}
