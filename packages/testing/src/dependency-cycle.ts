/**
 * A cycle in a dependency graph (each key's edges are the names it depends on), as the path
 * that closes it (`["a", "b", "a"]`); undefined when there is none. Edges to names that are not
 * keys are left out: only the graph's own nodes can close a cycle.
 */
export function findDependencyCycle(
  graph: ReadonlyMap<string, readonly string[]>,
): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();

  function visit(node: string): string[] | undefined {
    if (onPath.has(node)) return [...path.slice(path.indexOf(node)), node];
    if (done.has(node)) return undefined;
    path.push(node);
    onPath.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    onPath.delete(node);
    done.add(node);
    return undefined;
  }

  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}
