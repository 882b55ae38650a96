// What a check needs to evaluate, and what it returns. Checks read the learner's environment only through the
// Environment handle, so the same check works against a local folder and a container.
import type { Environment } from '../environment/index.ts';
import type { CheckSpec } from '../lesson/index.ts';
import type { CheckOutcome } from '../protocol/index.ts';

export type { CheckOutcome };

/** The last run cell's captured result, for `output:` checks. */
export interface LastRun {
  cellId: string;
  output: string;
  exitCode: number | null;
}

export interface CheckContext {
  environment: Environment;
  lessonDir: string; // script paths resolve inside it
  lastRun?: LastRun;
  signal?: AbortSignal;
}

export type Evaluator = (spec: CheckSpec, ctx: CheckContext) => Promise<CheckOutcome>;
