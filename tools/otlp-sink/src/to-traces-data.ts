import type { OtlpResourceSpans, OtlpScopeSpans, OtlpSpan, OtlpTracesData } from "./otlp-json.ts";
import type { StoredSpan } from "./span-store.ts";

interface ResourceGroup {
  scopeSpans: OtlpScopeSpans[];
  resourceSpans: OtlpResourceSpans;
  spansByScope: Map<string, OtlpSpan[]>;
}

function keyOf(value: object | undefined, schemaUrl: string | undefined): string {
  return `${JSON.stringify(value ?? {})}|${schemaUrl ?? ""}`;
}

function withSchemaUrl<T extends object>(value: T, schemaUrl: string | undefined): T {
  return schemaUrl ? { ...value, schemaUrl } : value;
}

function groupOf(groups: Map<string, ResourceGroup>, stored: StoredSpan): ResourceGroup {
  const key = keyOf(stored.resource, stored.resourceSchemaUrl);
  let group = groups.get(key);
  if (!group) {
    const scopeSpans: OtlpScopeSpans[] = [];
    const resourceSpans = { resource: stored.resource ?? {}, scopeSpans };
    group = {
      scopeSpans,
      resourceSpans: withSchemaUrl(resourceSpans, stored.resourceSchemaUrl),
      spansByScope: new Map(),
    };
    groups.set(key, group);
  }
  return group;
}

function spansOf(group: ResourceGroup, stored: StoredSpan): OtlpSpan[] {
  const key = keyOf(stored.scope, stored.scopeSchemaUrl);
  let spans = group.spansByScope.get(key);
  if (!spans) {
    spans = [];
    group.spansByScope.set(key, spans);
    group.scopeSpans.push(
      withSchemaUrl({ scope: stored.scope ?? {}, spans }, stored.scopeSchemaUrl),
    );
  }
  return spans;
}

/**
 * Regroups kept spans under their resource and scope as OTLP `TracesData`: spans sent in separate
 * requests under equal resources and scopes share one group, as a trace store returns them.
 */
export function toTracesData(spans: readonly StoredSpan[]): OtlpTracesData {
  const groups = new Map<string, ResourceGroup>();
  for (const stored of spans) spansOf(groupOf(groups, stored), stored).push(stored.span);
  return { resourceSpans: [...groups.values()].map((group) => group.resourceSpans) };
}
