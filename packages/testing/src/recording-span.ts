import { randomBytes } from "node:crypto";
import {
  type Attributes,
  type AttributeValue,
  type Span,
  type SpanContext,
  TraceFlags,
} from "@opentelemetry/api";

/** A span that keeps the attributes and events set on it, to stand in for the SDK's active span. */
export class RecordingSpan implements Span {
  readonly attributes: Attributes = {};
  readonly events: { name: string; attributes: Attributes }[] = [];
  readonly #context: SpanContext = {
    traceId: randomBytes(16).toString("hex"),
    spanId: randomBytes(8).toString("hex"),
    traceFlags: TraceFlags.SAMPLED,
  };

  spanContext(): SpanContext {
    return this.#context;
  }
  setAttribute(key: string, value: AttributeValue): this {
    this.attributes[key] = value;
    return this;
  }
  setAttributes(attributes: Attributes): this {
    Object.assign(this.attributes, attributes);
    return this;
  }
  addEvent(name: string, attributes?: unknown): this {
    // The other overload passes a start time second: only an object is attributes.
    const given =
      typeof attributes === "object" && attributes !== null && !(attributes instanceof Date);
    this.events.push({ name, attributes: given ? (attributes as Attributes) : {} });
    return this;
  }
  addLink(): this {
    return this;
  }
  addLinks(): this {
    return this;
  }
  setStatus(): this {
    return this;
  }
  updateName(): this {
    return this;
  }
  end(): void {}
  isRecording(): boolean {
    return true;
  }
  recordException(): void {}
}
