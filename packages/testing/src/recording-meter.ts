import {
  type Attributes,
  type BatchObservableCallback,
  createNoopMeter,
  type Meter,
  type Observable,
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
  /** Like `observe`, with batch callbacks too, each awaited (they may read a database). */
  collect(): Promise<Measurement[]>;
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
  const batches: BatchObservableCallback[] = [];
  const observableNames = new WeakMap<Observable, string>();
  const record =
    (name: string) =>
    (value: number, attributes: Attributes = {}) => {
      measurements.push({ name, value, attributes });
    };
  const meter: Meter = {
    createCounter: (name) => ({ add: record(name) }),
    createHistogram: (name) => ({ record: record(name) }),
    createObservableGauge: (name) => {
      const gauge = {
        addCallback: (callback: (typeof observers)[number]["callback"]) =>
          void observers.push({ name, callback }),
        removeCallback: () => {},
      };
      observableNames.set(gauge, name);
      return gauge;
    },
    createGauge: (name, options) => noop.createGauge(name, options),
    createUpDownCounter: (name, options) => noop.createUpDownCounter(name, options),
    createObservableCounter: (name, options) => noop.createObservableCounter(name, options),
    createObservableUpDownCounter: (name, options) =>
      noop.createObservableUpDownCounter(name, options),
    addBatchObservableCallback: (callback) => void batches.push(callback),
    removeBatchObservableCallback: (callback, observables) =>
      noop.removeBatchObservableCallback(callback, observables),
  };
  const includes = (actual: Attributes, expected: Attributes) =>
    Object.entries(expected).every(([key, value]) => actual[key] === value);
  function observe(): Measurement[] {
    const observed: Measurement[] = [];
    for (const { name, callback } of observers) {
      void callback({
        observe: (value, attributes = {}) => observed.push({ name, value, attributes }),
      });
    }
    return observed;
  }
  return {
    meter,
    measurements,
    observe,
    async collect() {
      const observed = observe();
      for (const callback of batches) {
        await callback({
          observe: (observable, value, attributes = {}) =>
            observed.push({ name: observableNames.get(observable) ?? "", value, attributes }),
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
