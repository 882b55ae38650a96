// The seam between sessions and the checks module (server/checks): a session asks for a step's verdict
// through this type, and whoever makes the sessions (server/http/server.ts) supplies it, so tests of the
// session layer can supply their own.
import type { CheckContext, CheckOutcome } from '../checks/index.ts';
import type { Step } from '../lesson/index.ts';

export type StepChecker = (step: Step, ctx: CheckContext) => Promise<{ passed: boolean; results: CheckOutcome[] }>;
