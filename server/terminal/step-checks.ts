// The seam between sessions and the checks module (server/checks, another part of stepwise): a session asks
// for a step's checks through this type, so tests and other runners can supply their own.
import type { CheckContext, CheckOutcome } from '../checks/types.ts';
import type { Step } from '../lesson/model.ts';

export type StepChecker = (step: Step, ctx: CheckContext) => Promise<{ passed: boolean; results: CheckOutcome[] }>;

/** The real checker, loaded on first use. */
export const runStepChecks: StepChecker = async (step, ctx) => {
  const checks = await import('../checks/index.ts');
  return checks.runStepChecks(step, ctx);
};
