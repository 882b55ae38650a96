// A learner id from an instructor route's path (`/api/class/learners/:id/...`), checked against the roster.
import { z } from 'zod';
import type { Classroom } from '../class/index.ts';
import { HttpError } from './http-error.ts';

/** Learner ids are short base64url; anything longer than this is not one (characters). */
const learnerIdParam = z.string().min(1).max(64);

/** The id of a learner on the roster, or 404 LEARNER_NOT_FOUND: a removed learner's results and recordings stay,
 *  but the routes answer only for learners still in the class. */
export function rosterLearner(classroom: Classroom, id: unknown): string {
  const parsed = learnerIdParam.safeParse(id);
  if (!parsed.success || !classroom.isLearner(parsed.data)) {
    throw new HttpError(404, 'LEARNER_NOT_FOUND', `no learner ${String(id).slice(0, 64)} in this class`);
  }
  return parsed.data;
}
