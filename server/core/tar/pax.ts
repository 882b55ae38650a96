// PAX extended header records: "<length> <key>=<value>\n", length counting the whole record in bytes.
import { CoreError } from '../errors.ts';
import type { Where } from './header.ts';

const utf8 = new TextDecoder('utf-8');
const SPACE = 0x20;
const EQUALS = 0x3d;
const NEWLINE = 0x0a;

/** Parses PAX records. A malformed record is TAR_BAD_HEADER: readers that skip it disagree on the entry. */
export function parsePax(data: Uint8Array, where: Where): Map<string, string> {
  const records = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === 0) break; // NUL padding after the last record
    let lenEnd = pos;
    let length = 0;
    while (lenEnd < data.length && data[lenEnd] !== SPACE) {
      const c = data[lenEnd]!;
      if (c < 0x30 || c > 0x39 || lenEnd - pos > 12) {
        throw new CoreError('TAR_BAD_HEADER', `malformed PAX record length at ${where()}`);
      }
      length = length * 10 + (c - 0x30);
      lenEnd++;
    }
    const end = pos + length;
    if (lenEnd === pos || end > data.length || end <= lenEnd + 1 || data[end - 1] !== NEWLINE) {
      throw new CoreError('TAR_BAD_HEADER', `malformed PAX record at ${where()}`);
    }
    const record = data.subarray(lenEnd + 1, end - 1);
    const eq = record.indexOf(EQUALS);
    if (eq <= 0) throw new CoreError('TAR_BAD_HEADER', `PAX record without a key at ${where()}`);
    records.set(utf8.decode(record.subarray(0, eq)), utf8.decode(record.subarray(eq + 1)));
    pos = end;
  }
  return records;
}

/** A PAX decimal number (size, GNU.sparse.realsize). */
export function paxNumber(records: Map<string, string>, key: string, where: Where): number | null {
  const text = records.get(key);
  if (text === undefined) return null;
  if (!/^[0-9]{1,20}$/.test(text))
    throw new CoreError('TAR_BAD_HEADER', `PAX ${key} "${text.slice(0, 40)}" is not a number at ${where()}`);
  const value = Number(text);
  if (!Number.isSafeInteger(value))
    throw new CoreError('TAR_HEADER_TOO_LARGE', `PAX ${key} ${text} is too large at ${where()}`);
  return value;
}
