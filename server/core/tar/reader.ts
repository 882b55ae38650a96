// A push-mode streaming tar reader. It holds at most one header block and one meta header (PAX or GNU long
// name, bounded by maxMetaHeaderBytes); entry data passes straight through to a sink or is skipped, so memory
// does not grow with entry sizes.
//
// Semantics follow GNU tar, Go's archive/tar and Python's tarfile where they agree:
// - the first all-zero block ends the archive; whatever follows (eStargz puts a TOC there) is only counted;
// - header-only types (links, devices, fifos, directories) carry no data whatever their size field says;
// - PAX 'x' applies to the next entry, 'g' to all later ones; GNU 'L'/'K' name the next entry;
// - GNU sparse ('S' headers with extension blocks, and PAX GNU.sparse.* 0.x/1.0) report the logical size.
import { CoreError } from '../errors.ts';
import type { Limits } from '../limits.ts';
import { BLOCK, decodeHeader, isZeroBlock, sparseExtensionContinues, type RawHeader, type Where } from './header.ts';
import { parsePax, paxNumber } from './pax.ts';

export type TarEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

export interface TarEntry {
  name: string; // as written, after PAX/GNU long names; not normalised
  linkName: string; // '' when none
  type: TarEntryType;
  size: number; // logical bytes: the real size for sparse files, 0 for header-only types
  mode: number;
  sparse: boolean;
  offset: number; // byte offset of the entry's header in the stream
}

/** Receives one entry's data. A returned promise asks the reader's caller to wait before writing more. */
export interface TarSink {
  write(chunk: Uint8Array): void | Promise<void>;
  end(): void | Promise<void>;
  /**
   * True once the sink reads the rest of its entry's data from a second reader of the same file: the reader's
   * caller may then skip those bytes (skippableBytes, skip) instead of reading and feeding them.
   */
  readonly detached?: boolean;
}

export interface TarReaderOptions {
  label: string; // names the tar in messages, e.g. "layer 3f…/layer.tar"
  limits: Limits;
  /** Called once per entry; returns a sink for its data, or null to skip the data. */
  onEntry: (entry: TarEntry) => TarSink | null;
}

type State = 'header' | 'meta' | 'sparse-ext' | 'data' | 'skip' | 'end';
type MetaType = 'x' | 'g' | 'L' | 'K';

const utf8 = new TextDecoder('utf-8');

function roundUp(n: number): number {
  return Math.ceil(n / BLOCK) * BLOCK;
}

export class TarReader {
  private state: State = 'header';
  private readonly block = new Uint8Array(BLOCK);
  private blockLen = 0;
  private remaining = 0; // bytes left in the current data, meta or skip span
  private padding = 0; // bytes to skip after the current data
  private sink: TarSink | null = null;
  private meta: Uint8Array | null = null;
  private metaType: MetaType = 'x';
  private metaLen = 0;
  private pendingEntry: TarEntry | null = null; // waiting for its sparse extension blocks
  private sparseBlocks = 0;
  private paxLocal: Map<string, string> | null = null;
  private paxGlobal = new Map<string, string>();
  private longName: string | null = null;
  private longLink: string | null = null;
  private headers = 0;
  private lastName = '';
  private pending: Promise<void>[] = [];
  /** Bytes consumed so far. */
  offset = 0;
  /** Bytes after the end-of-archive block (zero padding, or an eStargz TOC). */
  trailingBytes = 0;
  /** Entries reported (meta headers excluded). */
  entries = 0;

  constructor(private readonly opts: TarReaderOptions) {}

  get sawEndMarker(): boolean {
    return this.state === 'end';
  }

  /** Feeds bytes. Throws CoreError on malformed input; returns a promise when a sink asked to wait. */
  write(chunk: Uint8Array): Promise<void> | undefined {
    let pos = 0;
    const len = chunk.length;
    while (pos < len) {
      switch (this.state) {
        case 'header':
        case 'sparse-ext': {
          let block: Uint8Array;
          if (this.blockLen === 0 && len - pos >= BLOCK) {
            block = chunk.subarray(pos, pos + BLOCK);
            pos += BLOCK;
          } else {
            const take = Math.min(BLOCK - this.blockLen, len - pos);
            this.block.set(chunk.subarray(pos, pos + take), this.blockLen);
            this.blockLen += take;
            pos += take;
            if (this.blockLen < BLOCK) continue;
            block = this.block;
          }
          this.blockLen = 0;
          const headerOffset = this.offset + pos - BLOCK;
          if (this.state === 'header') this.onHeader(block, headerOffset);
          else this.onSparseExtension(block);
          break;
        }
        case 'meta': {
          const take = Math.min(this.remaining, len - pos);
          this.meta!.set(chunk.subarray(pos, pos + take), this.metaLen);
          this.metaLen += take;
          this.remaining -= take;
          pos += take;
          if (this.remaining === 0) this.onMetaComplete();
          break;
        }
        case 'data': {
          const take = Math.min(this.remaining, len - pos);
          if (this.sink) this.track(this.sink.write(chunk.subarray(pos, pos + take)));
          this.remaining -= take;
          pos += take;
          if (this.remaining === 0) this.finishData();
          break;
        }
        case 'skip': {
          const take = Math.min(this.remaining, len - pos);
          this.remaining -= take;
          pos += take;
          if (this.remaining === 0) this.state = 'header';
          break;
        }
        case 'end':
          this.trailingBytes += len - pos;
          pos = len;
          break;
      }
    }
    this.offset += len;
    return this.drainPending();
  }

  /** Bytes of the current entry's data its sink reads elsewhere (it is detached): the caller may skip them. */
  get skippableBytes(): number {
    return this.state === 'data' && this.sink?.detached === true ? this.remaining : 0;
  }

  /** Consumes `n` bytes of skippableBytes as if they had been written, without reading them. */
  skip(n: number): Promise<void> | undefined {
    if (n > this.skippableBytes)
      throw new Error(`${this.opts.label}: skip(${n}) past the ${this.skippableBytes} skippable bytes`);
    this.remaining -= n;
    this.offset += n;
    if (this.remaining === 0) this.finishData();
    return this.drainPending();
  }

  /** Declares the input complete. Throws TAR_TRUNCATED when it stopped inside a header or an entry. */
  end(): Promise<void> | undefined {
    if (this.state === 'end' || (this.state === 'header' && this.blockLen === 0)) return this.drainPending();
    const inside = this.pendingEntry?.name ?? (this.state === 'header' ? null : this.lastName);
    throw new CoreError(
      'TAR_TRUNCATED',
      `${this.opts.label} is truncated at byte ${this.offset}${inside ? ` inside entry "${inside}"` : ' inside a header'}`,
    );
  }

  private where(offset: number): string {
    const after = this.lastName ? ` (after entry "${this.lastName}")` : '';
    return `byte ${offset} of ${this.opts.label}${after}`;
  }

  private track(p: void | Promise<void>): void {
    if (p) this.pending.push(p);
  }

  private drainPending(): Promise<void> | undefined {
    if (this.pending.length === 0) return undefined;
    const all = Promise.all(this.pending).then(() => undefined);
    this.pending = [];
    return all;
  }

  private onHeader(block: Uint8Array, headerOffset: number): void {
    if (isZeroBlock(block)) {
      this.state = 'end';
      return;
    }
    const where = (): string => this.where(headerOffset);
    const raw = decodeHeader(block, where);
    if (++this.headers > this.opts.limits.maxEntries) {
      throw new CoreError(
        'TAR_TOO_MANY_ENTRIES',
        `${this.opts.label} has more than ${this.opts.limits.maxEntries} headers`,
      );
    }
    const flag = raw.typeflag;
    if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
      if (raw.size > this.opts.limits.maxMetaHeaderBytes) {
        throw new CoreError(
          'TAR_HEADER_TOO_LARGE',
          `${flag === 'L' || flag === 'K' ? 'GNU long name' : 'PAX'} header of ${raw.size} bytes at ${where()} exceeds ${this.opts.limits.maxMetaHeaderBytes}`,
        );
      }
      this.metaType = flag;
      this.meta = new Uint8Array(raw.size);
      this.metaLen = 0;
      this.remaining = raw.size;
      this.padding = roundUp(raw.size) - raw.size;
      this.state = 'meta';
      if (raw.size === 0) this.onMetaComplete();
      return;
    }
    if (flag === 'V' || flag === 'M' || flag === 'N') {
      // Volume label, multi-volume continuation, old GNU long-name script: not entries; skip their data.
      this.startSkip(roundUp(raw.size));
      return;
    }
    const { entry, dataLength } = this.buildEntry(raw, headerOffset, where);
    this.lastName = entry.name;
    if (raw.sparseExtended) {
      this.pendingEntry = entry;
      this.sparseBlocks = 0;
      this.remaining = dataLength;
      this.state = 'sparse-ext';
      return;
    }
    this.startEntry(entry, dataLength);
  }

  /** Applies pending PAX and GNU long names to a raw header; consumes the per-entry ones. */
  private buildEntry(raw: RawHeader, offset: number, where: Where): { entry: TarEntry; dataLength: number } {
    const limits = this.opts.limits;
    const pax = this.paxFor();
    let name = this.longName ?? raw.name;
    let linkName = this.longLink ?? raw.linkName;
    let sparse = raw.sparseRealSize !== null;
    let size = raw.size;
    if (pax) {
      name = pax.get('GNU.sparse.name') ?? pax.get('path') ?? name;
      linkName = pax.get('linkpath') ?? linkName;
      size = paxNumber(pax, 'size', () => `${where()}, entry "${name}"`) ?? size;
      for (const key of pax.keys()) if (key.startsWith('GNU.sparse.')) sparse = true;
    }
    if (name.includes('\0') || linkName.includes('\0')) {
      throw new CoreError('TAR_BAD_NAME', `name "${name.replace(/\0/g, '\\0')}" at ${where()} contains a NUL byte`);
    }
    if (Buffer.byteLength(name) > limits.maxPathBytes || Buffer.byteLength(linkName) > limits.maxPathBytes) {
      throw new CoreError(
        'TAR_PATH_TOO_LONG',
        `path of ${Buffer.byteLength(name)} bytes at ${where()} exceeds ${limits.maxPathBytes}`,
      );
    }
    let logical = size;
    if (sparse) {
      const at = (): string => `${where()}, entry "${name}"`;
      logical =
        (pax ? (paxNumber(pax, 'GNU.sparse.realsize', at) ?? paxNumber(pax, 'GNU.sparse.size', at)) : null) ??
        raw.sparseRealSize ??
        size;
    }
    if (size > limits.maxEntryBytes || logical > limits.maxEntryBytes) {
      throw new CoreError(
        'TAR_HEADER_TOO_LARGE',
        `entry "${name}" claims ${Math.max(size, logical)} bytes at ${where()}`,
      );
    }
    this.paxLocal = null;
    this.longName = null;
    this.longLink = null;
    const type = entryType(raw.typeflag, name);
    // Header-only types carry no data whatever their size field says; a GNU dumpdir ('D') does.
    const dataLength = type === 'file' || raw.typeflag === 'D' ? size : 0;
    const entry: TarEntry = {
      name,
      linkName,
      type,
      size: type === 'file' ? logical : 0,
      mode: raw.mode,
      sparse: type === 'file' && sparse,
      offset,
    };
    return { entry, dataLength };
  }

  private paxFor(): Map<string, string> | null {
    if (this.paxGlobal.size === 0) return this.paxLocal;
    if (!this.paxLocal) return this.paxGlobal;
    return new Map([...this.paxGlobal, ...this.paxLocal]);
  }

  private onMetaComplete(): void {
    const data = this.meta!;
    const at = this.offset;
    const where = (): string => this.where(at);
    this.meta = null;
    switch (this.metaType) {
      case 'x':
        this.paxLocal = parsePax(data, where);
        break;
      case 'g': {
        for (const [k, v] of parsePax(data, where)) this.paxGlobal.set(k, v);
        let total = 0;
        for (const [k, v] of this.paxGlobal) total += k.length + v.length;
        if (total > this.opts.limits.maxMetaHeaderBytes) {
          throw new CoreError(
            'TAR_HEADER_TOO_LARGE',
            `global PAX headers exceed ${this.opts.limits.maxMetaHeaderBytes} bytes at ${where()}`,
          );
        }
        break;
      }
      case 'L':
      case 'K': {
        let end = data.length;
        while (end > 0 && data[end - 1] === 0) end--;
        const text = data.subarray(0, end);
        if (text.includes(0)) throw new CoreError('TAR_BAD_NAME', `GNU long name at ${where()} contains a NUL byte`);
        if (this.metaType === 'L') this.longName = utf8.decode(text);
        else this.longLink = utf8.decode(text);
        break;
      }
    }
    this.startSkip(this.padding);
  }

  private onSparseExtension(block: Uint8Array): void {
    if (++this.sparseBlocks > this.opts.limits.maxSparseExtensionBlocks) {
      throw new CoreError(
        'TAR_HEADER_TOO_LARGE',
        `sparse entry "${this.pendingEntry!.name}" has more than ${this.opts.limits.maxSparseExtensionBlocks} extension blocks in ${this.opts.label}`,
      );
    }
    if (sparseExtensionContinues(block)) return;
    const entry = this.pendingEntry!;
    this.pendingEntry = null;
    this.startEntry(entry, this.remaining);
  }

  private startEntry(entry: TarEntry, dataLength: number): void {
    this.entries++;
    this.sink = this.opts.onEntry(entry);
    this.remaining = dataLength;
    this.padding = roundUp(dataLength) - dataLength;
    this.state = 'data';
    if (dataLength === 0) this.finishData();
  }

  private finishData(): void {
    if (this.sink) this.track(this.sink.end());
    this.sink = null;
    this.startSkip(this.padding);
  }

  private startSkip(n: number): void {
    this.remaining = n;
    this.state = n > 0 ? 'skip' : 'header';
  }
}

function entryType(flag: string, name: string): TarEntryType {
  switch (flag) {
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '3':
      return 'char';
    case '4':
      return 'block';
    case '5':
    case 'D': // GNU dumpdir: a directory whose data lists its contents
      return 'dir';
    case '6':
      return 'fifo';
    case '0':
    case '\0':
      return name.endsWith('/') ? 'dir' : 'file'; // pre-POSIX tars mark directories with a trailing slash
    default:
      return 'file'; // '7' contiguous, 'S' sparse, and unknown types read as regular files (POSIX)
  }
}
