import { ConfigError } from "@tracemesh/config";
import { describe, expect, it } from "vitest";
import { parseTelemetryConfig } from "./telemetry-config.ts";

describe("parseTelemetryConfig", () => {
  it("defaults to a running SDK with metrics on 0.0.0.0:9464", () => {
    expect(parseTelemetryConfig({})).toEqual({
      sdkDisabled: false,
      serviceName: undefined,
      metricsPort: 9464,
      metricsHost: "0.0.0.0",
    });
  });

  it("reads the service's settings", () => {
    const config = parseTelemetryConfig({
      OTEL_SERVICE_NAME: "auth",
      METRICS_PORT: " 9465 ",
      METRICS_HOST: "127.0.0.1",
    });
    expect(config).toMatchObject({
      serviceName: "auth",
      metricsPort: 9465,
      metricsHost: "127.0.0.1",
    });
  });

  it("reads OTEL_SDK_DISABLED as the SDK does: only 'true', any case", () => {
    expect(parseTelemetryConfig({ OTEL_SDK_DISABLED: "TRUE" }).sdkDisabled).toBe(true);
    expect(parseTelemetryConfig({ OTEL_SDK_DISABLED: " true " }).sdkDisabled).toBe(true);
    expect(parseTelemetryConfig({ OTEL_SDK_DISABLED: "1" }).sdkDisabled).toBe(false);
    expect(parseTelemetryConfig({ OTEL_SDK_DISABLED: "false" }).sdkDisabled).toBe(false);
  });

  it.each(["abc", "0", "65536", "-1", "94.64"])(
    "rejects METRICS_PORT=%j naming the variable",
    (value) => {
      const attempt = () => parseTelemetryConfig({ METRICS_PORT: value });
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(/^METRICS_PORT /);
    },
  );
});
