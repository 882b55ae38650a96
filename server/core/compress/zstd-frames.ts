// Walks the frame and block structure of a zstd stream (without decoding it) to reject frames whose window
// would make fzstd allocate too much: fzstd allocates the whole window (up to 2 GiB) as soon as it reads a frame
// header. RFC 8878 section 3.1.
import { CoreError } from '../errors.ts';

/** zstd's own default decoder limit (ZSTD_WINDOWLOG_LIMIT_DEFAULT = 27): 128 MiB. */
export const MAX_ZSTD_WINDOW_BYTES = 128 * 1024 * 1024;

const ZSTD_MAGIC = 0xfd2fb528;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;

type State = 'magic' | 'header' | 'block-header' | 'skip';

export class ZstdFrameGuard {
  private state: State = 'magic';
  private readonly buf = new Uint8Array(18); // the longest frame header: 4 magic + 14
  private have = 0;
  private need = 4;
  private skip = 0;
  private afterSkip: State = 'block-header';
  private checksumBytes = 0;

  constructor(private readonly label: string) {}

  write(chunk: Uint8Array): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.state === 'skip') {
        const take = Math.min(this.skip, chunk.length - pos);
        this.skip -= take;
        pos += take;
        if (this.skip === 0) this.enter(this.afterSkip);
        continue;
      }
      const take = Math.min(this.need - this.have, chunk.length - pos);
      this.buf.set(chunk.subarray(pos, pos + take), this.have);
      this.have += take;
      pos += take;
      if (this.have === this.need) this.onFilled();
    }
  }

  private enter(state: State): void {
    this.state = state;
    this.have = 0;
    this.need = state === 'magic' ? 4 : state === 'block-header' ? 3 : this.need;
  }

  private skipThen(n: number, next: State): void {
    if (n === 0) return this.enter(next);
    this.state = 'skip';
    this.skip = n;
    this.afterSkip = next;
  }

  private onFilled(): void {
    const b = this.buf;
    switch (this.state) {
      case 'magic': {
        const magic = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
        if (magic === ZSTD_MAGIC) {
          this.state = 'header';
          this.need = 5; // magic + frame header descriptor
          return;
        }
        if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
          this.state = 'header';
          this.need = 8; // magic + 4-byte size
          return;
        }
        throw new CoreError('DECOMPRESS_FAILED', `${this.label}: not a zstd frame`);
      }
      case 'header': {
        const magic = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
        if (magic !== ZSTD_MAGIC) {
          const size = (b[4]! | (b[5]! << 8) | (b[6]! << 16) | (b[7]! << 24)) >>> 0;
          return this.skipThen(size, 'magic');
        }
        const fhd = b[4]!;
        const fcsFlag = fhd >> 6;
        const singleSegment = (fhd >> 5) & 1;
        const dictBytes = [0, 1, 2, 4][fhd & 3]!;
        const fcsBytes = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
        const headerLength = 5 + (singleSegment ? 0 : 1) + dictBytes + fcsBytes;
        if (this.need < headerLength) {
          this.need = headerLength;
          return;
        }
        let window: number;
        if (singleSegment) {
          const at = 5 + dictBytes;
          window = 0;
          for (let i = fcsBytes - 1; i >= 0; i--) window = window * 256 + b[at + i]!;
          if (fcsBytes === 2) window += 256;
        } else {
          const wd = b[5]!;
          const base = 2 ** (10 + (wd >> 3));
          window = base + (base / 8) * (wd & 7);
        }
        if (window > MAX_ZSTD_WINDOW_BYTES) {
          throw new CoreError(
            'DECOMPRESS_FAILED',
            `${this.label}: zstd window of ${window} bytes exceeds ${MAX_ZSTD_WINDOW_BYTES}`,
          );
        }
        this.checksumBytes = (fhd >> 2) & 1 ? 4 : 0;
        return this.enter('block-header');
      }
      case 'block-header': {
        const h = b[0]! | (b[1]! << 8) | (b[2]! << 16);
        const last = h & 1;
        const type = (h >> 1) & 3;
        const size = h >>> 3;
        if (type === 3) throw new CoreError('DECOMPRESS_FAILED', `${this.label}: reserved zstd block type`);
        const body = type === 1 ? 1 : size;
        return this.skipThen(body + (last ? this.checksumBytes : 0), last ? 'magic' : 'block-header');
      }
      case 'skip':
        return;
    }
  }
}
