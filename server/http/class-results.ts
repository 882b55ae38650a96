// The class's results as files (DESIGN.md "Classes", Instructor API): CSV for a spreadsheet, JUnit XML for a
// CI dashboard or a grading script. Both are built from the class's result rows and escape everything a learner
// could have typed (their name) or caused (a failure reason).
import type { ResultRow } from '../class/index.ts';
import { escapeAttr, escapeText } from '../check-runner/index.ts';

export const RESULTS_CSV_HEADER = 'learner,lesson,step,status,attempts,first_passed_at';

/**
 * One CSV field (RFC 4180), safe to open in a spreadsheet: a value starting with = + - @ (or tab/CR, which some
 * spreadsheets also read as a formula start) gets a leading apostrophe, so it is shown as text and never run
 * (OWASP "CSV injection"); a value holding a comma, quote or line break is quoted, its quotes doubled.
 */
export function csvField(value: string): string {
  const inert = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(inert) ? `"${inert.replace(/"/g, '""')}"` : inert;
}

export function resultsCsv(rows: readonly ResultRow[]): string {
  const lines = rows.map((r) =>
    [r.learner, r.lesson, r.step, r.status, String(r.attempts), r.firstPassedAt ?? ''].map(csvField).join(','),
  );
  return `${[RESULTS_CSV_HEADER, ...lines].join('\r\n')}\r\n`;
}

/** JUnit XML: a testsuite per learner, a testcase per lesson step; failed is a failure, locked/open are skipped. */
export function resultsJunit(className: string, rows: readonly ResultRow[]): string {
  const byLearner = new Map<string, ResultRow[]>();
  for (const row of rows) {
    const list = byLearner.get(row.learnerId);
    if (list) list.push(row);
    else byLearner.set(row.learnerId, [row]);
  }
  const suites = [...byLearner.values()].map((cases) => {
    const first = cases[0];
    const failures = cases.filter((c) => c.status === 'failed').length;
    const skipped = cases.filter((c) => c.status === 'locked' || c.status === 'open').length;
    const body = cases.map((c) => {
      const open = `    <testcase classname="${escapeAttr(c.lesson)}" name="${escapeAttr(c.step)}">`;
      const attempts = `      <properties><property name="attempts" value="${c.attempts}"/>${
        c.firstPassedAt ? `<property name="first_passed_at" value="${escapeAttr(c.firstPassedAt)}"/>` : ''
      }</properties>`;
      switch (c.status) {
        case 'passed':
          return `${open}\n${attempts}\n    </testcase>`;
        case 'failed':
          return `${open}\n${attempts}\n      <failure message="${escapeAttr(c.lastFailure ?? 'a check failed')}">${escapeText(c.lastFailure ?? '')}</failure>\n    </testcase>`;
        case 'open':
        case 'locked':
          return `${open}\n${attempts}\n      <skipped message="${c.status === 'open' ? 'not checked yet' : 'not reached'}"/>\n    </testcase>`;
      }
    });
    return (
      `  <testsuite name="${escapeAttr(first?.learner ?? '')}" id="${escapeAttr(first?.learnerId ?? '')}" tests="${cases.length}" ` +
      `failures="${failures}" skipped="${skipped}" errors="0">\n${body.join('\n')}\n  </testsuite>`
    );
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${escapeAttr(className)}">\n${suites.join('\n')}\n</testsuites>\n`;
}
