import { type Attributes, createNoopMeter, type Meter } from "@opentelemetry/api";

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
