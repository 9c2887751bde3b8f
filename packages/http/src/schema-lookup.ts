type SchemaNode = Readonly<Record<string, unknown>>;

function asNode(value: unknown): SchemaNode | undefined {
  return typeof value === "object" && value !== null ? (value as SchemaNode) : undefined;
}

/** The node itself and the schemas it wraps (optional, nullable, nullish, ...), outermost first. */
function layers(node: SchemaNode | undefined): SchemaNode[] {
  const found: SchemaNode[] = [];
  for (let current = node; current !== undefined; current = asNode(current.wrapped)) {
    found.push(current);
  }
  return found;
}

function childOf(node: SchemaNode, key: unknown): SchemaNode | undefined {
  for (const layer of layers(node)) {
    const entries = asNode(layer.entries);
    if (entries !== undefined && typeof key === "string" && Object.hasOwn(entries, key)) {
      return asNode(entries[key]);
    }
    if (layer.item !== undefined) return asNode(layer.item);
    if (Array.isArray(layer.items) && typeof key === "number") return asNode(layer.items[key]);
    if (layer.type === "record") return asNode(layer.value);
  }
  return undefined;
}

/**
 * The valibot schema of the value at `keys` (an issue's path), walking object entries, array
 * items, tuple items, record values and wrappers. Undefined where the path leaves the
 * schema's shape (unions, lazy schemas): callers then fall back to what the issue says.
 */
export function schemaAt(schema: unknown, keys: readonly unknown[]): SchemaNode | undefined {
  let node = asNode(schema);
  for (const key of keys) {
    if (node === undefined) return undefined;
    node = childOf(node, key);
  }
  return node;
}

/** The pipe actions of a field's schema and of the schemas it wraps. */
function actionsOf(node: SchemaNode | undefined): SchemaNode[] {
  const actions: SchemaNode[] = [];
  for (const layer of layers(node)) {
    if (!Array.isArray(layer.pipe)) continue;
    for (const item of layer.pipe) {
      const action = asNode(item);
      if (action !== undefined) actions.push(action);
    }
  }
  return actions;
}

/** The numeric `minValue`/`maxValue` bounds of a field's schema, to report both at once. */
export function numericBounds(node: SchemaNode | undefined): { min?: number; max?: number } {
  const bounds: { min?: number; max?: number } = {};
  for (const action of actionsOf(node)) {
    if (action.kind !== "validation" || typeof action.requirement !== "number") continue;
    if (action.type === "min_value") bounds.min = action.requirement;
    if (action.type === "max_value") bounds.max = action.requirement;
  }
  return bounds;
}

/** The allowed values of a picklist or enum field, when they are plain JSON values. */
export function allowedValues(node: SchemaNode | undefined): unknown[] | undefined {
  for (const layer of layers(node)) {
    if ((layer.type === "picklist" || layer.type === "enum") && Array.isArray(layer.options)) {
      return layer.options;
    }
  }
  return undefined;
}
