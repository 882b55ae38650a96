// POST /api/join from the join page: the learner cookie comes back in Set-Cookie (HttpOnly, so the page never
// sees it); the body is validated like every other API answer.
import { apiErrorSchema, joinResponseSchema, type JoinResponse } from '../../server/protocol/index.ts';

export type JoinOutcome = { ok: true; joined: JoinResponse } | { ok: false; code: string; message: string };

export async function postJoin(code: string, name: string): Promise<JoinOutcome> {
  let res: Response;
  try {
    res = await fetch('/api/join', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ code, name }),
    });
  } catch (e: unknown) {
    if (!(e instanceof TypeError)) throw e;
    return {
      ok: false,
      code: 'NETWORK',
      message: 'Could not reach the class server. Check the address and your connection.',
    };
  }
  const body: unknown = await res.json().catch((e: unknown) => {
    if (e instanceof SyntaxError) return null;
    throw e;
  });
  if (res.ok) {
    const joined = joinResponseSchema.safeParse(body);
    if (joined.success) return { ok: true, joined: joined.data };
    return {
      ok: false,
      code: 'BAD_RESPONSE',
      message: 'The server answered in a shape this page does not understand.',
    };
  }
  const err = apiErrorSchema.safeParse(body);
  return err.success
    ? { ok: false, ...err.data.error }
    : { ok: false, code: `HTTP_${res.status}`, message: `The server refused (HTTP ${res.status}).` };
}
