// Where a class's database lives: $XDG_STATE_HOME/stepwise/classes/<safe name>.sqlite. The class name is user
// input; the file name is a slug of it plus a hash of the exact name, so it is always one plain file name inside
// the classes folder (no separators, no dots at the start, no "..") and two names that slug alike stay apart.
import { createHash } from 'node:crypto';
import { basename, join, resolve, sep } from 'node:path';
import { MAX_CLASS_NAME_CHARS } from './limits.ts';
import { CodedError } from '../protocol/index.ts';

export const CLASSES_DIR_NAME = 'classes';
/** Longest slug part of the file name (characters): readable, and far under any file-name limit. */
const MAX_SLUG_CHARS = 48;
/** Hex characters of the name's sha256 in the file name: 64 bits, so distinct names never share a file. */
const NAME_HASH_CHARS = 16;

export class ClassNameError extends CodedError<'BAD_CLASS_NAME'> {
  constructor(message: string) {
    super('BAD_CLASS_NAME', message);
  }
}

/** The class name as stored and printed: NFC, trimmed; refused if empty, too long or holding control characters. */
export function checkClassName(typed: string): string {
  const name = typed.normalize('NFC').trim();
  if (name === '') throw new ClassNameError('the class name is empty');
  if (Array.from(name).length > MAX_CLASS_NAME_CHARS)
    throw new ClassNameError(`the class name is longer than ${MAX_CLASS_NAME_CHARS} characters`);
  if (/[\u0000-\u001f\u007f-\u009f]/u.test(name)) throw new ClassNameError('the class name has a control character');
  return name;
}

export function classFileName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG_CHARS)
    .replace(/-+$/, '');
  const hash = createHash('sha256').update(name, 'utf8').digest('hex').slice(0, NAME_HASH_CHARS);
  return `${slug === '' ? 'class' : slug}-${hash}.sqlite`;
}

/** The database path for `name` under `stateDir`; asserts it is directly inside the classes folder. */
export function classFilePath(stateDir: string, name: string): string {
  const dir = resolve(stateDir, CLASSES_DIR_NAME);
  const file = classFileName(checkClassName(name));
  const path = join(dir, file);
  if (basename(path) !== file || !path.startsWith(`${dir}${sep}`))
    throw new ClassNameError(`class file ${file} would leave ${dir}`);
  return path;
}
