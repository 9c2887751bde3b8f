import { Writable } from "node:stream";

/** The batches not yet handed on, flushed when the process exits. */
const unflushed = new Set<() => void>();
let flushesOnExit = false;

/**
 * A stream that hands `target` what is written within one turn of the event loop in a single
 * write. A service logs a line a request, and each write to a pipe is a system call: a profile
 * under load showed those writes costing more than the request's own routing. What is held
 * goes out at the end of the turn, at `maxBytes`, and when the process exits
 * (`process.stdout` writes synchronously to files and pipes, so `process.exit` loses nothing);
 * only a process killed outright (SIGKILL) loses the lines of its last turn.
 */
export function batchedLines(
  target: NodeJS.WritableStream = process.stdout,
  maxBytes = 64 * 1024,
): Writable {
  let held: string[] = [];
  let heldBytes = 0;
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (held.length === 0) return;
    const text = held.join("");
    held = [];
    heldBytes = 0;
    target.write(text);
  };
  if (!flushesOnExit) {
    flushesOnExit = true;
    process.on("exit", () => {
      for (const each of unflushed) each();
    });
  }
  unflushed.add(flush);
  return new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, callback) {
      const text = String(chunk);
      held.push(text);
      heldBytes += text.length;
      if (heldBytes >= maxBytes) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
      callback();
    },
    final(callback) {
      flush();
      unflushed.delete(flush);
      callback();
    },
  });
}
