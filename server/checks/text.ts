// Plain-language pieces shared by the evaluators: quoting seen text, counting nouns, ranges, text matching.
import type { Range, TextMatch } from './fields.ts';
import type { Finding } from './verdict.ts';
import { MAX_LISTED_PATHS, MAX_QUOTED_CHARS } from './limits.ts';

/** Quotes text for a result, on one line, cut at MAX_QUOTED_CHARS. */
export function quote(text: string): string {
  const oneLine = text
    .replace(/\r?\n/g, '⏎')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  const cut = oneLine.length > MAX_QUOTED_CHARS ? `${oneLine.slice(0, MAX_QUOTED_CHARS)}…` : oneLine;
  return `"${cut}"`;
}

/** The last `max` characters of output, for a result that must show what a command printed. */
export function tail(text: string, max = MAX_QUOTED_CHARS): string {
  const trimmed = text.replace(/\s+$/, '');
  return trimmed.length > max ? `…${trimmed.slice(-max)}` : trimmed;
}

export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : nouns}`;
}

/** "a, b, c and 2 more" */
export function listSome(items: readonly string[], max = MAX_LISTED_PATHS): string {
  if (items.length === 0) return 'nothing';
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

export function inRange(n: number, r: Range): boolean {
  if (typeof r === 'number') return n === r;
  return (r.min === undefined || n >= r.min) && (r.max === undefined || n <= r.max);
}

/** "exactly 1 layer", "at least 2 files", "between 1 and 3 layers" */
export function describeRange(r: Range, noun: string, nouns = `${noun}s`): string {
  if (typeof r === 'number') return `exactly ${plural(r, noun, nouns)}`;
  if (r.min !== undefined && r.max !== undefined)
    return r.min === r.max ? `exactly ${plural(r.min, noun, nouns)}` : `between ${r.min} and ${r.max} ${nouns}`;
  if (r.min !== undefined) return `at least ${plural(r.min, noun, nouns)}`;
  if (r.max !== undefined) return `at most ${plural(r.max, noun, nouns)}`;
  return `any number of ${nouns}`;
}

export function asList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** A pattern from a check, multi-line so ^ and $ match at line ends, as authors expect of file content. */
export function compilePattern(pattern: string): RegExp | { problem: string } {
  try {
    return new RegExp(pattern, 'm');
  } catch (e: unknown) {
    return {
      problem: `the check's pattern /${pattern}/ is not a valid regular expression (${e instanceof Error ? e.message : String(e)})`,
    };
  }
}

/**
 * Tests `text` against `contains` (every string must occur) and `matches` (a regular expression).
 * `what` names the text in plain words, e.g. "busybox/release" or "the output".
 */
export function matchText(text: string, m: TextMatch, what: string): Finding[] {
  const findings: Finding[] = [];
  const holds = text.length === 0 ? `${what} is empty` : `it holds ${quote(tail(text))}`;
  for (const needle of asList(m.contains)) {
    const ok = text.includes(needle);
    findings.push({
      phrase: `contains ${quote(needle)}`,
      ok,
      problem: text.length === 0 ? holds : `${what} does not contain ${quote(needle)}; ${holds}`,
    });
  }
  if (m.matches !== undefined) {
    const re = compilePattern(m.matches);
    const phrase = `matches /${m.matches}/`;
    if (re instanceof RegExp) {
      findings.push({
        phrase,
        ok: re.test(text),
        problem: text.length === 0 ? holds : `${what} does not match /${m.matches}/; ${holds}`,
      });
    } else {
      findings.push({ phrase, ok: false, problem: re.problem });
    }
  }
  return findings;
}
