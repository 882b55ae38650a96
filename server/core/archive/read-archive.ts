// One streaming pass over an archive tar (plain, gzip or zstd). Legacy docker saves put manifest.json last, so
// nothing is decided while reading: every regular member that could be a layer is scanned as one (hashes,
// compression, entries) and every small member that could be metadata keeps its bytes. The manifests are
// matched against what was seen once the stream ends. No member's data is ever held beyond those limits.
import { BlobScanner, type BlobScan } from '../blob-scan.ts';
import { sniffCompression } from '../compress/decoder.ts';
import type { ByteSource } from '../compress/stream.ts';
import type { CoreErrorCode } from '../errors.ts';
import type { CaptureRequest } from '../files/capture.ts';
import type { EntryBudget, Limits } from '../limits.ts';
import type { Compression, LayerEntry } from '../model.ts';
import { EntryCollector } from '../tar/entry-collector.ts';
import { BLOCK, checksumMatches, isZeroBlock } from '../tar/header.ts';
import { openTar } from './open-tar.ts';
import { TarReader, type TarEntry, type TarSink } from '../tar/reader.ts';

export interface Member {
  rel: string; // canonical path relative to the archive root, e.g. "abc/layer.tar"
  entry: LayerEntry; // as listed: kind, size, link target
  /** The bytes of a small member that may be metadata (manifest.json, a config, an OCI manifest). */
  json: Buffer | null;
  /** It may be metadata but was not kept: the metadata budget was spent. */
  jsonDropped: boolean;
  /** The member read as a layer, when it starts like a tar or is compressed. */
  scan: BlobScan | null;
  /** Why a regular file was not read as a layer: too short, or its first block is not a tar header. */
  notTar: { code: CoreErrorCode; reason: string } | null;
}

export interface ArchiveContents {
  label: string;
  compression: Compression; // of the archive itself
  members: Map<string, Member>; // by rel, directories left out; a later duplicate replaces an earlier one
  listing: LayerEntry[]; // the archive's own entries in order, for format 'tar'
}

export interface ReadArchiveOptions {
  label: string;
  limits: Limits;
  budget: EntryBudget;
  signal?: AbortSignal;
  /** Wanted paths whose content every layer keeps (InspectOptions.wantFiles). */
  capture?: CaptureRequest;
}

// Shared, so that a plain tar of many small files keeps one object per reason, not one per member.
type NotTar = NonNullable<Member['notTar']>;
const NOT_TAR_EMPTY: NotTar = Object.freeze({ code: 'TAR_TRUNCATED', reason: 'it is empty' });
const NOT_TAR_SHORT: NotTar = Object.freeze({
  code: 'TAR_TRUNCATED',
  reason: 'it is shorter than one 512-byte tar block',
});
const NOT_TAR_HEADER: NotTar = Object.freeze({
  code: 'TAR_BAD_CHECKSUM',
  reason: 'its first block is not a tar header',
});

/** Members that may hold metadata: top-level files (manifest.json, index.json, <id>.json) and OCI blobs. */
const METADATA_PATH = /^(?:[^/]+|blobs\/[a-z0-9]+\/[A-Za-z0-9=_-]+)$/;

/** Names a member in messages, whichever reader scans it. */
export function memberLabel(archiveLabel: string, rel: string): string {
  return `${archiveLabel}: member ${rel}`;
}

/**
 * Offers a layer member, once its first bytes say it is one, to a second reader of the same file. Returns null
 * to keep it inline; otherwise a promise that resolves once the second reader has started (a slot was free).
 * The second reader sets `member.scan` when it ends, and the caller of the tar reader skips the member's data.
 */
export type Detacher = (member: Member, entry: TarEntry) => Promise<void> | null;

export async function readArchive(source: ByteSource, opts: ReadArchiveOptions): Promise<ArchiveContents> {
  const { label, limits } = opts;
  const { compression, tar } = await openTar(source, label, limits);
  const contents: ArchiveContents = { label, compression, members: new Map(), listing: [] };
  const { reader, finish } = archiveTarReader(contents, opts, null);
  for await (const chunk of tar) {
    opts.signal?.throwIfAborted();
    const wait = reader.write(chunk);
    if (wait) await wait;
  }
  const wait = reader.end();
  if (wait) await wait;
  finish();
  return contents;
}

/**
 * The tar reader over an archive's own entries, filling `contents.members`; `finish` fills the listing once the
 * reader has ended. With a detacher, big layer members may be read by a second reader (see read-archive-file.ts).
 */
export function archiveTarReader(
  contents: ArchiveContents,
  opts: ReadArchiveOptions,
  detach: Detacher | null,
): { reader: TarReader; finish: () => void } {
  const { label, limits } = opts;
  const collector = new EntryCollector(label, opts.budget, false);
  let metadataBytes = 0;

  const reader = new TarReader({
    label,
    limits,
    onEntry: (e: TarEntry): TarSink | null => {
      const listed = collector.add(e);
      if (!listed || listed.kind === 'dir') return null;
      const rel = listed.path.slice(1);
      const member: Member = { rel, entry: listed, json: null, jsonDropped: false, scan: null, notTar: null };
      contents.members.set(rel, member);
      if (e.type !== 'file') return null;
      if (e.size === 0) {
        member.notTar = NOT_TAR_EMPTY;
        return null;
      }
      const mayBeJson = METADATA_PATH.test(rel) && e.size <= limits.maxJsonBytes;
      const keepJson = (): boolean => {
        if (metadataBytes + e.size > limits.maxMetadataBytes) {
          member.jsonDropped = true;
          return false;
        }
        metadataBytes += e.size;
        return true;
      };
      const handOff = detach ? () => detach(member, e) : null;
      return new MemberSink(
        member,
        memberLabel(label, rel),
        mayBeJson ? keepJson : null,
        limits,
        opts.budget,
        opts.capture ?? null,
        handOff,
      );
    },
  });
  return {
    reader,
    finish: () => {
      contents.listing = collector.entries;
    },
  };
}

/**
 * Receives one member's data. It looks at the first block before committing to anything: a member that is
 * compressed, or starts like a tar, is scanned as a layer; one that starts like JSON (and may be metadata by its
 * name and size) is kept. Anything else passes by untouched, so a plain tar of many small files costs little.
 */
class MemberSink implements TarSink {
  private jsonChunks: Uint8Array[] | null = null;
  private head: Uint8Array[] = [];
  private headBytes = 0;
  private scanner: BlobScanner | null = null;
  private decided = false;
  /** The rest of this member's data is read by a second reader (handOff); this sink ignores it. */
  detached = false;

  /** `keepJson`: asked once the first bytes look like JSON; says whether the metadata budget allows keeping. */
  constructor(
    private readonly member: Member,
    private readonly label: string,
    private readonly keepJson: (() => boolean) | null,
    private readonly limits: Limits,
    private readonly budget: EntryBudget,
    private readonly capture: CaptureRequest | null,
    private readonly handOff: (() => Promise<void> | null) | null,
  ) {}

  write(chunk: Uint8Array): void | Promise<void> {
    if (this.detached) return;
    if (this.decided) {
      this.jsonChunks?.push(chunk);
      return this.scanner?.write(chunk);
    }
    this.head.push(chunk);
    this.headBytes += chunk.length;
    if (this.headBytes >= BLOCK) return this.decide();
  }

  end(): void | Promise<void> {
    if (this.detached) return; // the second reader sets member.scan
    const wait = this.decided ? undefined : this.decide();
    if (this.jsonChunks) this.member.json = Buffer.concat(this.jsonChunks);
    if (!this.scanner) return wait;
    const scanner = this.scanner;
    return (async () => {
      await wait;
      await scanner.end();
      this.member.scan = scanner.result();
    })();
  }

  private decide(): void | Promise<void> {
    this.decided = true;
    const head = Buffer.concat(this.head);
    this.head = [];
    if (this.keepJson && startsLikeJson(head) && this.keepJson()) this.jsonChunks = [head];
    if (sniffCompression(head) === 'none') {
      if (head.length < BLOCK) {
        this.member.notTar = NOT_TAR_SHORT;
        return;
      }
      const first = head.subarray(0, BLOCK);
      if (!isZeroBlock(first) && !checksumMatches(first)) {
        this.member.notTar = NOT_TAR_HEADER;
        return;
      }
    }
    // A member kept as JSON too is read inline: its bytes are needed here.
    const started = this.jsonChunks ? null : (this.handOff?.() ?? null);
    if (started) {
      this.detached = true;
      return started;
    }
    this.scanner = new BlobScanner(this.label, this.member.entry.size, this.limits, this.budget, this.capture);
    return this.scanner.write(head);
  }
}

/** JSON metadata starts with '{' or '[' (after optional whitespace); a layer never does. */
function startsLikeJson(head: Uint8Array): boolean {
  for (const b of head) {
    if (b === 0x7b || b === 0x5b) return true;
    if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return false;
  }
  return head.length > 0;
}
