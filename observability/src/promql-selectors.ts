/** A vector selector of a PromQL expression, e.g. `up{service="auth"}`. */
export interface VectorSelector {
  /** The metric name, or undefined for a selector of matchers only (`{__name__=~"…"}`). */
  metric: string | undefined;
  /** The selector as written: what Prometheus's series API takes as `match[]`. */
  text: string;
}

// Words that are never a metric name where they stand: aggregations (followed by `by`/
// `without` before their parenthesis), binary and set operators, modifiers and grouping.
const KEYWORDS = new Set([
  "sum",
  "min",
  "max",
  "avg",
  "group",
  "stddev",
  "stdvar",
  "count",
  "count_values",
  "bottomk",
  "topk",
  "quantile",
  "limitk",
  "limit_ratio",
  "and",
  "or",
  "unless",
  "atan2",
  "bool",
  "offset",
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "inf",
  "nan",
]);
// Their parenthesis lists label names, not selectors.
const LABEL_LISTS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right"]);

const IDENTIFIER = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;
const NUMBER = /(0x[0-9a-fA-F]+|[0-9]*\.?[0-9]+(e[+-]?[0-9]+)?)[a-zA-Z]*/y;

/** The index just past the string literal that opens at `start`. */
function skipString(expr: string, start: number): number {
  const quote = expr[start];
  let i = start + 1;
  while (i < expr.length && expr[i] !== quote) i += expr[i] === "\\" && quote !== "`" ? 2 : 1;
  return i + 1;
}

/** The index just past the bracket that closes the one opening at `start`, strings skipped. */
function skipBalanced(expr: string, start: number, open: string, close: string): number {
  let depth = 0;
  let i = start;
  while (i < expr.length) {
    const char = expr[i] ?? "";
    if (char === '"' || char === "'" || char === "`") {
      i = skipString(expr, i);
      continue;
    }
    if (char === open) depth += 1;
    if (char === close) depth -= 1;
    i += 1;
    if (depth === 0) return i;
  }
  throw new Error(`unbalanced ${open} in PromQL: ${expr}`);
}

function nextNonSpace(expr: string, from: number): number {
  let i = from;
  while (i < expr.length && /\s/.test(expr[i] ?? "")) i += 1;
  return i;
}

/**
 * Every vector selector of a PromQL expression, in order: metric names (recording rules' too)
 * with their matchers, and bare `{…}` selectors. Function and aggregation names, label lists of
 * by/without/on/ignoring/group_*, range and subquery brackets, strings and numbers are not.
 */
export function vectorSelectors(expr: string): VectorSelector[] {
  const selectors: VectorSelector[] = [];
  let i = 0;
  while (i < expr.length) {
    const char = expr[i] ?? "";
    if (/\s/.test(char)) {
      i += 1;
    } else if (char === "#") {
      while (i < expr.length && expr[i] !== "\n") i += 1;
    } else if (char === '"' || char === "'" || char === "`") {
      i = skipString(expr, i);
    } else if (char === "[") {
      // A range or a subquery's resolution: durations only.
      i = skipBalanced(expr, i, "[", "]");
    } else if (char === "{") {
      const end = skipBalanced(expr, i, "{", "}");
      selectors.push({ metric: undefined, text: expr.slice(i, end) });
      i = end;
    } else if (/[0-9.]/.test(char)) {
      // A number, or a duration (`offset 5m`, `@ 1700000000`).
      NUMBER.lastIndex = i;
      i = NUMBER.exec(expr) ? NUMBER.lastIndex : i + 1;
    } else if (/[a-zA-Z_:]/.test(char)) {
      IDENTIFIER.lastIndex = i;
      IDENTIFIER.exec(expr);
      const start = i;
      const word = expr.slice(start, IDENTIFIER.lastIndex);
      i = IDENTIFIER.lastIndex;
      const after = nextNonSpace(expr, i);
      if (LABEL_LISTS.has(word.toLowerCase())) {
        if (expr[after] === "(") i = skipBalanced(expr, after, "(", ")");
      } else if (KEYWORDS.has(word.toLowerCase()) || expr[after] === "(") {
        // An aggregation, an operator or a function call: its arguments are scanned next.
      } else if (expr[after] === "{") {
        const end = skipBalanced(expr, after, "{", "}");
        selectors.push({ metric: word, text: `${word}${expr.slice(after, end)}` });
        i = end;
      } else {
        selectors.push({ metric: word, text: word });
      }
    } else {
      i += 1;
    }
  }
  return selectors;
}
