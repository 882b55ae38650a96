// A cell's captured output (DESIGN.md "Shell integration"): the bytes between its first C and last D marker,
// without control sequences, CRLF as LF, at most OUTPUT_CAP_BYTES. A flood keeps its head and its tail, since
// the end (an error, a summary) is usually what the learner and the `output` check want.
import { AnsiStripper } from './ansi-stripper.ts';

/** A cell result holds at most this much text (64 KiB, UTF-8 bytes): enough to read, small enough to send. */
export const OUTPUT_CAP_BYTES = 64 * 1024;
/** When over the cap, the first this-many bytes are kept... */
const HEAD_BYTES = 32 * 1024;
/** ...and the last this-many, after an omission line. */
const TAIL_BYTES = OUTPUT_CAP_BYTES - HEAD_BYTES - 64;
/** Raw bytes kept for the tail: more than TAIL_BYTES, since control sequences are stripped out of them. */
const TAIL_RAW_BYTES = 4 * TAIL_BYTES;

export interface CapturedOutput {
  output: string;
  truncated: boolean;
}

export class OutputCapture {
  private readonly stripper = new AnsiStripper();
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = []; // raw: stripping a flood byte by byte would cost more than the flood
  private tailBytes = 0;
  private totalRaw = 0;
  private overflowed = false;

  append(raw: Buffer): void {
    this.totalRaw += raw.length;
    if (!this.overflowed) {
      const text = this.stripper.strip(raw);
      const room = HEAD_BYTES - this.headBytes;
      if (text.length <= room) {
        this.head.push(text);
        this.headBytes += text.length;
        return;
      }
      this.head.push(Buffer.from(text.subarray(0, room)));
      this.headBytes = HEAD_BYTES;
      this.overflowed = true;
      this.pushTail(Buffer.from(text.subarray(room)));
      return;
    }
    this.pushTail(Buffer.from(raw)); // copy: pty buffers may be reused
  }

  finish(): CapturedOutput {
    const head = Buffer.concat(this.head);
    if (!this.overflowed) return { output: tidy(utf8Prefix(head, head.length)), truncated: false };
    let tailText = new AnsiStripper().strip(Buffer.concat(this.tail));
    const newline = tailText.indexOf(0x0a); // resynchronise on a line start: the raw tail may begin mid-sequence
    if (newline !== -1 && newline < tailText.length - 1) tailText = tailText.subarray(newline + 1);
    tailText = utf8Suffix(tailText, TAIL_BYTES);
    const omitted = Math.max(0, this.totalRaw - HEAD_BYTES - tailText.length);
    const output = `${tidy(utf8Prefix(head, HEAD_BYTES))}\n[... about ${omitted} bytes omitted ...]\n${tidy(tailText.toString('utf8'))}`;
    return { output, truncated: true };
  }

  private pushTail(raw: Buffer): void {
    this.tail.push(raw);
    this.tailBytes += raw.length;
    while (this.tail.length > 1 && this.tailBytes - this.tail[0]!.length >= TAIL_RAW_BYTES) {
      this.tailBytes -= this.tail.shift()!.length;
    }
  }
}

/** CRLF becomes LF; a lone CR (a progress bar redrawing its line) keeps what was drawn last; trailing newlines go. */
export function tidy(text: string): string {
  return text
    .replace(/\r+\n/g, '\n')
    .split('\n')
    .map((line) => (line.includes('\r') ? lastDrawn(line) : line))
    .join('\n')
    .replace(/\n+$/, '');
}

function lastDrawn(line: string): string {
  const parts = line.split('\r');
  for (let i = parts.length - 1; i >= 0; i--) if (parts[i] !== '') return parts[i]!;
  return '';
}

/** The longest prefix of at most `max` bytes that ends on a character boundary, decoded. */
function utf8Prefix(buf: Buffer, max: number): string {
  let end = Math.min(max, buf.length);
  if (end < buf.length) while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.toString('utf8', 0, end);
}

/** The longest suffix of at most `max` bytes that starts on a character boundary. */
function utf8Suffix(buf: Buffer, max: number): Buffer {
  let start = Math.max(0, buf.length - max);
  while (start < buf.length && (buf[start]! & 0xc0) === 0x80) start++;
  return buf.subarray(start);
}
