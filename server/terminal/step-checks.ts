// The seam between sessions and the checks module (server/checks): a session asks for a step's verdict
// through this type, so other runners (e.g. tests of the session layer) can supply their own.
import type { CheckContext, CheckOutcome } from '../checks/types.ts';
import type { Step } from '../lesson/model.ts';
import { runStepChecks } from '../checks/index.ts';

export type StepChecker = (step: Step, ctx: CheckContext) => Promise<{ passed: boolean; results: CheckOutcome[] }>;

export const defaultStepChecker: StepChecker = runStepChecks;
