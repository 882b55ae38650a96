// Joining a class over HTTP the way the /join page does, for the class suites.
import assert from 'node:assert/strict';
import { z } from 'zod';
import { joinResponseSchema } from '../../server/protocol/index.ts';
import { cookieFrom, postJson } from './http-request.ts';

export interface JoinedLearner {
  cookie: string; // the learner cookie, as a Cookie header value
  id: string;
  rejoinUrl: string;
}

/** POST /api/join with the class code and a name; fails the test unless the server admits the learner. */
export async function joinClass(origin: string, code: string, name: string): Promise<JoinedLearner> {
  const answer = await postJson(`${origin}/api/join`, { code, name });
  assert.equal(answer.status, 200, answer.body);
  const body = joinResponseSchema.parse(JSON.parse(answer.body));
  return { cookie: cookieFrom(answer.headers['set-cookie']), id: body.learnerId, rejoinUrl: body.rejoinUrl };
}

/** The `error.code` of a JSON error answer. */
export const errorCode = (body: string): string =>
  z.object({ error: z.object({ code: z.string() }) }).parse(JSON.parse(body)).error.code;
