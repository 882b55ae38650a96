// Katacoda/Killercoda placeholders in markdown. Port ones become links to the stepwise server's /port/N/
// (later a proxy); the rest have no meaning outside Katacoda's hosts and are reported, left as written.
import { parseActionMark } from '../markdown/actions.ts';
import type { ProblemList } from '../problems.ts';

const KILLERCODA_PORT = /\{\{TRAFFIC_HOST(\d+)_(\d+)\}\}\/?/g; // the path ends in / already
const KATACODA_PORT_URL =
  /https?:\/\/\[\[HOST(\d*)_SUBDOMAIN\]\]-(\d+)-\[\[KATACODA_HOST\]\]\.environments\.katacoda\.com\/?/g;
const OTHER_KATACODA = /\[\[[A-Z][A-Z0-9_]*\]\]/g;
const OTHER_KILLERCODA = /\{\{[A-Z][A-Z0-9_]*\}\}/g;
/** `{{word ...}}` right after inline code or a fence: where an action mark goes. Uppercase names are placeholders. */
const UNKNOWN_ACTION = /`\{\{([a-z][a-zA-Z0-9 _-]*)\}\}/g;
const FENCE = /^\s*(?:>\s?)*(?:`{3,}|~{3,})/;

export function portPath(port: string): string {
  return `/port/${port}/`;
}

/** Substitutes in place. `lineOffset` is the 0-based file line of lines[0]. */
export function substitutePlaceholders(lines: string[], file: string, lineOffset: number, problems: ProblemList): void {
  let inFence = false;
  for (const [i, original] of lines.entries()) {
    const at = { file, line: lineOffset + i + 1 };
    if (FENCE.test(original)) inFence = !inFence;
    let line = original;
    const hosts: string[] = [];
    let inInlineCode = false;
    line = line.replace(KILLERCODA_PORT, (_m, host: string, port: string, offset: number) => {
      hosts.push(host);
      inInlineCode ||= insideInlineCode(original, offset);
      return portPath(port);
    });
    const afterKillercoda = line;
    line = line.replace(KATACODA_PORT_URL, (_m, host: string, port: string, offset: number) => {
      hosts.push(host === '' ? '1' : host);
      inInlineCode ||= insideInlineCode(afterKillercoda, offset);
      return portPath(port);
    });
    for (const host of hosts) {
      if (host !== '1')
        problems.warning(at, `a port on HOST${host}: stepwise gives each learner one host, so the link goes there`);
    }
    if (line !== original && (inFence || inInlineCode)) {
      problems.warning(
        at,
        'a port placeholder inside code becomes the path /port/N/ on the stepwise server, not a full URL',
      );
    }
    for (const m of line.matchAll(OTHER_KATACODA))
      problems.warning(at, `placeholder ${m[0]} is Katacoda-specific and is left as written`);
    for (const m of line.matchAll(UNKNOWN_ACTION)) {
      if (parseActionMark(m[1] ?? '') === null) {
        problems.warning(
          at,
          `action mark {{${m[1] ?? ''}}} after code is not one stepwise knows (exec, execute, copy, open): left as written`,
        );
      }
    }
    for (const m of line.matchAll(OTHER_KILLERCODA)) {
      if (parseActionMark(m[0].slice(2, -2)) === null) {
        problems.warning(at, `placeholder ${m[0]} is Killercoda-specific and is left as written`);
      }
    }
    lines[i] = line;
  }
}

/** Whether `offset` sits inside an inline code span: an odd number of backticks precede it on the line. */
function insideInlineCode(line: string, offset: number): boolean {
  let ticks = 0;
  for (let i = 0; i < offset; i++) if (line[i] === '`') ticks++;
  return ticks % 2 === 1;
}
