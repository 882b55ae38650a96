// Builds one CheckOutcome from the findings an evaluator collects. Every result says, in plain words, what was
// expected, what was seen and the author's hint; a failure's `seen` names only what was wrong.
import type { CheckSpec } from '../lesson/index.ts';
import type { CheckOutcome } from './types.ts';

/** One tested expectation. `phrase` reads after the verdict's subject ("contains \"x\""); `problem` is a sentence. */
export interface Finding {
  phrase: string;
  ok: boolean;
  problem: string;
  fact?: string; // what a passing result mentions
}

export class Verdict {
  private readonly phrases: string[] = [];
  private readonly problems: string[] = [];
  private readonly facts: string[] = [];
  private readonly explanations: string[] = [];
  private inspectSource: string | undefined;

  /** `subject` starts the expected sentence, e.g. "busybox/release" or "a path matching *.tar". */
  constructor(
    private readonly spec: CheckSpec,
    private subject: string,
  ) {}

  setSubject(subject: string): void {
    this.subject = subject;
  }

  add(...findings: Finding[]): this {
    for (const f of findings) {
      this.phrases.push(f.phrase);
      if (!f.ok) this.problems.push(f.problem);
      else if (f.fact !== undefined) this.facts.push(f.fact);
    }
    return this;
  }

  expect(phrase: string, ok: boolean, problem: string, fact?: string): boolean {
    this.add(fact === undefined ? { phrase, ok, problem } : { phrase, ok, problem, fact });
    return ok;
  }

  /** Ends the check on a problem that stops the rest being tested (e.g. the file is missing). */
  stop(phrase: string, problem: string): CheckOutcome {
    this.expect(phrase, false, problem);
    return this.outcome();
  }

  /** Something seen that a passing result should mention. */
  note(fact: string): void {
    this.facts.push(fact);
  }

  /** Context that a failing result should mention after its problems. */
  explain(text: string): void {
    this.explanations.push(text);
  }

  openable(source: string): void {
    this.inspectSource = source;
  }

  get failed(): boolean {
    return this.problems.length > 0;
  }

  outcome(): CheckOutcome {
    const passed = this.problems.length === 0;
    const unique = [...new Set(this.phrases)];
    const outcome: CheckOutcome = {
      kind: this.spec.kind,
      target: this.spec.target,
      passed,
      expected: unique.length > 0 ? `${this.subject} ${joinAnd(unique)}` : this.subject,
      seen: passed ? this.facts.join('; ') || 'as expected' : [...this.problems, ...this.explanations].join('; '),
    };
    if (this.spec.hint !== undefined && this.spec.hint !== '') outcome.hint = this.spec.hint;
    if (this.inspectSource !== undefined) outcome.inspectSource = this.inspectSource;
    return outcome;
  }
}

function joinAnd(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** One failing outcome for a check that could not be evaluated at all. */
export function unevaluable(spec: CheckSpec, subject: string, phrase: string, problem: string): CheckOutcome {
  return new Verdict(spec, subject).stop(phrase, problem);
}

/** A result as one line of plain language, e.g. for the CLI: "seen (expected: …; hint: …)". */
export function describeOutcome(o: CheckOutcome): string {
  if (o.passed) return o.seen;
  return `${o.seen} (expected: ${o.expected}${o.hint ? `; hint: ${o.hint}` : ''})`;
}
