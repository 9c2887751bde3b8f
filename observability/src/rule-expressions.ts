import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { PROMETHEUS_DIR, prometheusFiles } from "./config-files.ts";

/** A recording or alerting rule's expression, named by its file and rule. */
export interface RuleExpression {
  /** The rule file, e.g. "incident.rules.yml". */
  file: string;
  /** The recorded series' or the alert's name. */
  name: string;
  kind: "record" | "alert";
  expr: string;
}

interface RuleFile {
  groups: { rules: { record?: string; alert?: string; expr: string }[] }[];
}

/** Every rule of prometheus/rules, recording and alerting, in file order. */
export async function readRuleExpressions(): Promise<RuleExpression[]> {
  const expressions: RuleExpression[] = [];
  for (const file of await prometheusFiles("rules", ".rules.yml")) {
    const parsed = parse(await readFile(`${PROMETHEUS_DIR}rules/${file}`, "utf8")) as RuleFile;
    for (const rule of parsed.groups.flatMap((group) => group.rules)) {
      const [kind, name] = rule.alert
        ? ["alert" as const, rule.alert]
        : ["record" as const, rule.record];
      expressions.push({ file, name: name ?? "", kind, expr: rule.expr });
    }
  }
  return expressions;
}
