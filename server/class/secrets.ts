// Learner secrets, the instructor token's record and the class code.
// Secrets are 256 random bits, so they are stored as a plain sha256: a slow hash (scrypt) only helps secrets a
// person chose, whose space is small enough to search; searching 2^256 is not made easier by a fast hash, and a
// fast one keeps every request's and upgrade's cookie check cheap. Comparison is constant-time.
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { LEARNER_ID_BYTES, LEARNER_SECRET_BYTES } from './limits.ts';

/** Unambiguous when read off a projector: no 0/O, 1/I/L, and no vowels-only words in mind (U and V stay apart). */
export const CLASS_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
/** XXXX-XXXX: 31^8 (about 8.5e11) codes; guessing is further slowed by the join rate limiter. */
const CODE_GROUP_CHARS = 4;

export function newClassCode(): string {
  const pick = () =>
    Array.from({ length: CODE_GROUP_CHARS }, () => CLASS_CODE_ALPHABET[randomInt(CLASS_CODE_ALPHABET.length)]).join('');
  return `${pick()}-${pick()}`;
}

/** What a person typed, in the code's canonical form: upper case, no spaces, the dash where it belongs. */
export function normaliseClassCode(typed: string): string {
  const bare = typed.toUpperCase().replace(/[\s-]/g, '');
  return bare.length === CODE_GROUP_CHARS * 2
    ? `${bare.slice(0, CODE_GROUP_CHARS)}-${bare.slice(CODE_GROUP_CHARS)}`
    : bare;
}

export function codeMatches(expected: string, typed: string): boolean {
  return digestsEqual(hashSecret(expected), hashSecret(normaliseClassCode(typed)));
}

export function newSecret(): string {
  return randomBytes(LEARNER_SECRET_BYTES).toString('base64url');
}

export function newLearnerId(): string {
  return randomBytes(LEARNER_ID_BYTES).toString('base64url');
}

/** The stored record of a high-entropy secret (hex sha256). */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function secretMatches(storedHash: string, given: string): boolean {
  return digestsEqual(storedHash, hashSecret(given));
}

function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
