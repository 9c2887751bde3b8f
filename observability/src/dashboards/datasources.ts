import type { DataSourceRef } from "@grafana/grafana-foundation-sdk/dashboard";

// The uids grafana/provisioning/datasources/datasources.yml gives them: a dashboard names its
// datasource by uid, so it finds the same one in every Grafana this repository provisions.

/** Prometheus, where every panel's series come from. */
export const PROMETHEUS: DataSourceRef = { type: "prometheus", uid: "prometheus" };

/** Jaeger, where the panels' links lead. */
export const JAEGER: DataSourceRef = { type: "jaeger", uid: "jaeger" };
