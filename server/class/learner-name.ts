// A learner's display name: what they typed, NFC-normalised and trimmed, then checked. The name is shown to the
// instructor and exported, so it may not carry control characters (terminal escapes, CSV/XML breakers, bidi
// overrides that make one name look like another).
import { MAX_LEARNER_NAME_CHARS } from './limits.ts';

export type NameCheck = { ok: true; name: string } | { ok: false; reason: string };

// C0/C1 controls, and the format characters that reorder or hide text (bidi overrides and isolates, zero-width).
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/u;

export function checkLearnerName(typed: unknown): NameCheck {
  if (typeof typed !== 'string') return { ok: false, reason: 'the name must be text' };
  const name = typed.normalize('NFC').trim();
  if (name === '') return { ok: false, reason: 'the name is empty' };
  if (Array.from(name).length > MAX_LEARNER_NAME_CHARS)
    return { ok: false, reason: `the name is longer than ${MAX_LEARNER_NAME_CHARS} characters` };
  if (FORBIDDEN.test(name)) return { ok: false, reason: 'the name has a control or invisible formatting character' };
  return { ok: true, name };
}

/** Two names are the same learner's if they differ only in case (after NFC): "Ana" and "ana" would confuse a grid. */
export function nameKey(name: string): string {
  return name.normalize('NFC').toLocaleLowerCase('und');
}
