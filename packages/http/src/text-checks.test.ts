import { expectErrorContract } from "@tracemesh/errors/testing";
import { Hono } from "hono";
import * as v from "valibot";
import { expect, test } from "vitest";
import { jsonBody } from "./json-body.ts";
import { onError } from "./on-error.ts";
import { noControlCharacters } from "./text-checks.ts";
import { validate } from "./validate.ts";

const Body = v.strictObject({
  label: v.pipe(v.string(), noControlCharacters(), v.minCodePoints(2), v.maxCodePoints(3)),
});
const app = new Hono();
app.onError(onError);
app.post("/labels", jsonBody(), validate("json", Body), (c) => c.json(c.req.valid("json")));

function post(label: string) {
  return app.request("/labels", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ label }),
  });
}

test.each(["a\tb", "a\nb", "\u0000a", "a\u007f", "a\u009b[31m", "a\u001b[31m"])(
  "%j has a control character: issue control_character",
  async (label) => {
    const body = await expectErrorContract(await post(label), {
      status: 400,
      errorCode: "REQUEST_PARAMETER_INVALID",
    });
    expect(body.details).toEqual([{ field: "label", issue: "control_character" }]);
  },
);

test("code-point lengths count an emoji once, and are reported as too_short/too_long", async () => {
  // Three emoji are six UTF-16 code units: maxLength(3) would refuse them.
  expect(await (await post("😀😀😀")).json()).toEqual({ label: "😀😀😀" });
  expect((await post("é\u00a0")).status).toBe(200);
  for (const [label, detail] of [
    ["😀😀😀😀", { issue: "too_long", max: 3 }],
    ["😀", { issue: "too_short", min: 2 }],
  ] as const) {
    const body = await expectErrorContract(await post(label), {
      status: 400,
      errorCode: "REQUEST_PARAMETER_INVALID",
    });
    expect(body.details).toEqual([{ field: "label", ...detail }]);
  }
});

test("a plain check keeps invalid_value: only documented issues pass through as the issue", async () => {
  const Checked = v.object({
    n: v.pipe(
      v.string(),
      v.check((s) => s === "ok", "too_long!"),
    ),
  });
  const checked = new Hono();
  checked.onError(onError);
  checked.get("/", validate("query", Checked), (c) => c.json({}));
  const body = await expectErrorContract(await checked.request("/?n=no"), {
    status: 400,
    errorCode: "REQUEST_PARAMETER_INVALID",
  });
  expect(body.details).toEqual([{ field: "n", issue: "invalid_value" }]);
});
