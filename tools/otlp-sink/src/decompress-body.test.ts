import { deflateSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decompressBody } from "./decompress-body.ts";
import { OtlpRequestError } from "./otlp-request-error.ts";

const text = new TextEncoder().encode("spans ".repeat(100));

function refusal(run: () => unknown): OtlpRequestError {
  try {
    run();
  } catch (error) {
    if (error instanceof OtlpRequestError) return error;
    throw error;
  }
  throw new Error("expected an OtlpRequestError");
}

describe("decompressBody", () => {
  it.each([
    ["gzip", gzipSync(text)],
    ["GZip", gzipSync(text)],
    ["x-gzip", gzipSync(text)],
    ["deflate", deflateSync(text)],
    ["identity", text],
    [undefined, text],
  ])("reads Content-Encoding %s", (coding, body) => {
    expect(Buffer.from(decompressBody(body, coding, 10_000))).toEqual(Buffer.from(text));
  });

  it("refuses an unsupported coding with 415", () => {
    const error = refusal(() => decompressBody(text, "br", 10_000));
    expect(error.status).toBe(415);
    expect(error.message).toMatch(/unsupported Content-Encoding "br"/);
  });

  it("refuses a body that inflates past the limit with 413", () => {
    const bomb = gzipSync(new Uint8Array(1_000_000));
    expect(bomb.length).toBeLessThan(10_000);
    const error = refusal(() => decompressBody(bomb, "gzip", 10_000));
    expect(error.status).toBe(413);
  });

  it("refuses a corrupt gzip body with 400", () => {
    const error = refusal(() => decompressBody(text, "gzip", 10_000));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^invalid gzip body/);
  });
});
