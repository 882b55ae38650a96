// The typed fields of a check, read at the evaluator's boundary through server/checks/schema.ts (the one
// schema per kind that lint and the loader use). A spec that does not validate becomes a failing result that
// names the bad field, never an exception.
import { z } from 'zod';
import type { CheckSpec } from '../lesson/index.ts';
import { typedCheck, type CountRange, type TypedCheck } from '../lesson/index.ts';

export type Range = CountRange;

export interface TextMatch {
  contains?: string | string[] | undefined;
  matches?: string | undefined;
}

type Item<K extends TypedCheck['kind']> = Extract<TypedCheck, { kind: K }>['item'];

/** The spec's fields typed for `kind`, or a sentence naming the first wrong field. */
export function readFields<K extends TypedCheck['kind']>(
  spec: CheckSpec,
  kind: K,
): { ok: true; value: Item<K> } | { ok: false; problem: string } {
  try {
    const typed = typedCheck(spec);
    if (typed.kind !== kind) return { ok: false, problem: `the check is a ${typed.kind} check, not a ${kind} check` };
    return { ok: true, value: typed.item as Item<K> };
  } catch (e: unknown) {
    if (!(e instanceof z.ZodError)) throw e;
    const issue = e.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'fields';
    return { ok: false, problem: `the check's ${where} is not valid: ${issue?.message ?? 'unknown shape'}` };
  }
}

/** A check's `timeout` (seconds) in ms, or the default. */
export function timeoutMs(seconds: number | undefined, defaultMs: number): number {
  return seconds === undefined ? defaultMs : Math.round(seconds * 1000);
}
