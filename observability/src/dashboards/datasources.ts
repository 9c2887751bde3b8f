import type { DataSourceRef } from "@grafana/grafana-foundation-sdk/dashboard";

// The uid grafana/provisioning/datasources/datasources.yml gives it: a dashboard names its
// datasource by uid, so it finds the same one in every Grafana this repository provisions.

/** Prometheus, where every panel's series come from. */
export const PROMETHEUS: DataSourceRef = { type: "prometheus", uid: "prometheus" };
