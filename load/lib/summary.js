// handleSummary for every script: a text report per phase that a person can read, and the
// whole summary as JSON under RESULTS_DIR (load/results by default) for tools and CI.

/**
 * The trend statistics the summary keeps: p(99) is not among k6's defaults, and a trend with no
 * sample says max 0 where only its count tells it had none.
 */
export const SUMMARY_TREND_STATS = ["avg", "min", "med", "max", "p(90)", "p(95)", "p(99)", "count"];

const ms = (value) => (value === undefined ? "-" : `${value.toFixed(value < 10 ? 1 : 0)} ms`);
const pct = (value) => (value === undefined ? "-" : `${(value * 100).toFixed(1)} %`);

function values(data, name) {
  const metric = data.metrics[name];
  return metric ? metric.values : {};
}

function failedThresholds(data) {
  const failed = [];
  for (const [name, metric] of Object.entries(data.metrics)) {
    for (const [expression, result] of Object.entries(metric.thresholds || {})) {
      if (!result.ok) failed.push(`${name}: ${expression}`);
    }
  }
  return failed;
}

/** Every check that failed at least once, by name, from the summary's groups. */
function failedChecks(data) {
  const failed = [];
  const visit = (group) => {
    for (const c of group.checks || []) {
      if (c.fails > 0) failed.push(`${c.name}: ${c.fails} of ${c.passes + c.fails} failed`);
    }
    for (const inner of group.groups || []) visit(inner);
  };
  if (data.root_group) visit(data.root_group);
  return failed;
}

function phaseRow(data, phase) {
  const duration = values(data, `http_req_duration{phase:${phase}}`);
  return [
    phase.padEnd(18),
    String(values(data, `http_reqs{phase:${phase}}`).count || 0).padStart(8),
    pct(values(data, `server_errors{phase:${phase}}`).rate).padStart(9),
    ms(duration["p(95)"]).padStart(10),
    ms(duration["p(99)"]).padStart(10),
    String(values(data, `contract_violations{phase:${phase}}`).count || 0).padStart(11),
  ].join("  ");
}

/**
 * The run's verdict and its numbers per phase: requests, share of 5xx, p95 and p99 durations,
 * contract violations; then the time to alert, the script's own notes, each threshold that
 * failed and each check that did. NOT RUN, and nothing more, when setup() ended the run before
 * any load.
 * @param {object} data k6's summary data
 * @param {{ title: string, phases: string[], notes?: string[] }} report
 * @returns {string}
 */
export function textSummary(data, report) {
  // A run that setup() ended (exec.test.abort) has no iteration and sent no phase a request: its
  // thresholds failing on zero requests say nothing; k6's last line says why it stopped. (A run
  // interrupted during its only iteration completed none, but its requests are reported.)
  const sent = report.phases.reduce(
    (total, phase) => total + (values(data, `http_reqs{phase:${phase}}`).count || 0),
    0,
  );
  if (!values(data, "iterations").count && sent === 0) {
    return `\n${report.title}: NOT RUN\n\nNo load was sent: the run stopped before it began, for the reason k6 gives ("test aborted: …").\n`;
  }
  const failed = failedThresholds(data);
  const header = [
    "phase".padEnd(18),
    "requests".padStart(8),
    "5xx".padStart(9),
    "p95".padStart(10),
    "p99".padStart(10),
    "violations".padStart(11),
  ];
  const lines = [
    "",
    `${report.title}: ${failed.length === 0 ? "PASS" : "FAIL"}`,
    "",
    header.join("  "),
  ]
    .concat(report.phases.map((phase) => phaseRow(data, phase)))
    .concat([
      "",
      `contract violations: ${values(data, "contract_violations").count || 0} (every response was checked)`,
    ]);
  // Late or in time: a late alert's time is what its reader needs most.
  const alerted = values(data, "time_to_alert");
  if (alerted.count > 0) lines.push(`time to alert: ${(alerted.max / 1000).toFixed(1)} s`);
  const all = lines.concat(report.notes || []);
  if (failed.length > 0) {
    all.push("", "failed thresholds:");
    for (const f of failed) all.push(`  ✗ ${f}`);
  }
  const checks = failedChecks(data);
  if (checks.length > 0) {
    all.push("", "failed checks:");
    for (const c of checks) all.push(`  ✗ ${c}`);
  }
  return `${all.join("\n")}\n`;
}

/**
 * What handleSummary returns: the text to stdout, the JSON to `<resultsDir>/<script>-summary.json`.
 * @param {object} data
 * @param {string} resultsDir
 * @param {string} script e.g. "incident"
 * @param {{ title: string, phases: string[], notes?: string[] }} report
 */
export function summaryOutputs(data, resultsDir, script, report) {
  const outputs = { stdout: textSummary(data, report) };
  outputs[`${resultsDir}/${script}-summary.json`] = JSON.stringify(data, null, 2);
  return outputs;
}

/** todo-api's default REQUEST_BUDGET_MS: no answer may take longer. */
const REQUEST_BUDGET_MS = 5000;

/**
 * Thresholds that put each phase in the summary, each a promise of its own: the phase sent
 * requests, answered within todo-api's request budget, and held the contract.
 * @param {string[]} phases
 * @param {Record<string, string[]>} [others] the script's own thresholds
 * @returns {Record<string, string[]>}
 */
export function withPhaseThresholds(phases, others) {
  const thresholds = Object.assign({}, others);
  for (const phase of phases) {
    thresholds[`http_reqs{phase:${phase}}`] = ["count>0"];
    thresholds[`http_req_duration{phase:${phase}}`] = [`max<${REQUEST_BUDGET_MS}`];
    thresholds[`contract_violations{phase:${phase}}`] = ["count==0"];
  }
  return thresholds;
}
