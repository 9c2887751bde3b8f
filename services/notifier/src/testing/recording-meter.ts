import { type Attributes, type Counter, createNoopMeter, type Meter } from "@opentelemetry/api";

/** A Meter whose counters keep what they were given, so tests read them without an SDK. */
export function recordingMeter() {
  const added: { name: string; value: number; attributes: Attributes }[] = [];
  const createCounter = (name: string): Counter => ({
    add(value: number, attributes: Attributes = {}) {
      added.push({ name, value, attributes });
    },
  });
  // Every other instrument stays the no-op one.
  const meter: Meter = Object.assign(createNoopMeter(), { createCounter });
  return { meter, added };
}
