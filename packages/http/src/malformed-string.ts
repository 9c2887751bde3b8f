interface Visit {
  value: unknown;
  key: string | undefined;
  parent: Visit | undefined;
}

function pathOf(visit: Visit): string[] {
  const keys: string[] = [];
  for (let at: Visit | undefined = visit; at?.key !== undefined; at = at.parent) keys.push(at.key);
  return keys.reverse();
}

/**
 * The path (`["items", "0", "title"]`) of the first string in a parsed JSON value that is not
 * well-formed Unicode, a lone surrogate from an escape such as `\ud800`; for a key that is
 * not, the path of the object holding it. Undefined when every string and key is well-formed.
 * Iterative, and the path is built only once found: bodies nested 100k deep are fine.
 */
export function findMalformedString(root: unknown): string[] | undefined {
  const pending: Visit[] = [{ value: root, key: undefined, parent: undefined }];
  for (let visit = pending.pop(); visit !== undefined; visit = pending.pop()) {
    const { value } = visit;
    if (typeof value === "string") {
      if (!value.isWellFormed()) return pathOf(visit);
      continue;
    }
    if (typeof value !== "object" || value === null) continue;
    const entries = Object.entries(value);
    if (entries.some(([key]) => !key.isWellFormed())) return pathOf(visit);
    // Pushed last to first, so the stack hands them back in document order.
    for (const [key, item] of entries.reverse()) pending.push({ value: item, key, parent: visit });
  }
  return undefined;
}
