import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import {
  type Attributes,
  type Context,
  type ContextManager,
  createNoopMeter,
  type Meter,
  ROOT_CONTEXT,
  type Span,
  type SpanAttributes,
  type SpanContext,
  TraceFlags,
} from "@opentelemetry/api";

export interface Measurement {
  name: string;
  value: number;
  attributes: Attributes;
}

export interface RecordingMeter {
  meter: Meter;
  /** Counter increments and histogram records, in order. */
  measurements: Measurement[];
  /** Runs the observable callbacks, as a metric reader's collection would. */
  observe(): Measurement[];
  /** Sum of the values recorded under `name` whose attributes include `attributes`. */
  total(name: string, attributes?: Attributes): number;
}

/** A Meter that keeps what is recorded, so tests can read instruments without an SDK. */
export function recordingMeter(): RecordingMeter {
  const noop = createNoopMeter();
  const measurements: Measurement[] = [];
  const observers: {
    name: string;
    callback: Parameters<ReturnType<Meter["createObservableGauge"]>["addCallback"]>[0];
  }[] = [];
  const record =
    (name: string) =>
    (value: number, attributes: Attributes = {}) => {
      measurements.push({ name, value, attributes });
    };
  const meter: Meter = {
    createCounter: (name) => ({ add: record(name) }),
    createHistogram: (name) => ({ record: record(name) }),
    createObservableGauge: (name) => ({
      addCallback: (callback) => observers.push({ name, callback }),
      removeCallback: () => {},
    }),
    createGauge: (name, options) => noop.createGauge(name, options),
    createUpDownCounter: (name, options) => noop.createUpDownCounter(name, options),
    createObservableCounter: (name, options) => noop.createObservableCounter(name, options),
    createObservableUpDownCounter: (name, options) =>
      noop.createObservableUpDownCounter(name, options),
    addBatchObservableCallback: (callback, observables) =>
      noop.addBatchObservableCallback(callback, observables),
    removeBatchObservableCallback: (callback, observables) =>
      noop.removeBatchObservableCallback(callback, observables),
  };
  const includes = (actual: Attributes, expected: Attributes) =>
    Object.entries(expected).every(([key, value]) => actual[key] === value);
  return {
    meter,
    measurements,
    observe() {
      const observed: Measurement[] = [];
      for (const { name, callback } of observers) {
        void callback({
          observe: (value, attributes = {}) => observed.push({ name, value, attributes }),
        });
      }
      return observed;
    },
    total: (name, attributes = {}) =>
      measurements
        .filter((m) => m.name === name && includes(m.attributes, attributes))
        .reduce((sum, m) => sum + m.value, 0),
  };
}

/** A span that keeps its events, to check what the code under test adds to the active span. */
export class RecordingSpan implements Span {
  readonly events: { name: string; attributes: SpanAttributes }[] = [];
  readonly #context: SpanContext = {
    traceId: randomBytes(16).toString("hex"),
    spanId: randomBytes(8).toString("hex"),
    traceFlags: TraceFlags.SAMPLED,
  };
  spanContext = () => this.#context;
  setAttribute = () => this;
  setAttributes = () => this;
  addEvent = (name: string, attributes?: unknown) => {
    this.events.push({ name, attributes: (attributes ?? {}) as SpanAttributes });
    return this;
  };
  addLink = () => this;
  addLinks = () => this;
  setStatus = () => this;
  updateName = () => this;
  end = () => {};
  isRecording = () => true;
  recordException = () => {};
}

/** The context manager the SDK would install, reduced to AsyncLocalStorage: context follows async work. */
export class TestContextManager implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>();
  active = () => this.#storage.getStore() ?? ROOT_CONTEXT;
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.#storage.run(context, () => fn.call(thisArg, ...args));
  }
  bind<T>(context: Context, target: T): T {
    if (typeof target !== "function") return target;
    const fn = target as T & ((...args: unknown[]) => unknown);
    return this.with(context, () => AsyncLocalStorage.bind(fn));
  }
  enable = () => this;
  disable = () => {
    this.#storage.disable();
    return this;
  };
}
