// Reads one blob as a possible layer while it streams past: the sha256 of the stored bytes, the compression
// (by magic), the sha256 of the whole decompressed stream (the diff_id, bytes after the tar end marker
// included) and the tar's entries. Nothing of the blob itself is kept.
//
// With a capture request, the content of wanted paths is kept too (files/capture.ts), within its byte limits.
//
// A scan never throws: archives are read speculatively (manifest.json may come last), so a blob that is not a
// tar is normal. Its error is kept and raised only if a manifest names the blob as a layer.
import { createHash, type Hash } from 'node:crypto';
import { createDecoder, MAGIC_BYTES, sniffCompression, type Decoder } from './compress/decoder.ts';
import { CoreError, isCoreError } from './errors.ts';
import type { EntryBudget, Limits } from './limits.ts';
import type { Compression, LayerEntry } from './model.ts';
import { LayerCapture, NO_CAPTURES, type CaptureRequest, type CapturedFile } from './files/capture.ts';
import { EntryCollector } from './tar/entry-collector.ts';
import { TarReader, type TarSink } from './tar/reader.ts';

export interface BlobScan {
  digest: string; // sha256 of the stored bytes, "sha256:<hex>"
  size: number; // stored bytes
  compression: Compression;
  diffId: string | null; // sha256 of the whole decompressed stream; null when decompression failed
  uncompressedSize: number;
  entries: LayerEntry[];
  files: ReadonlyMap<string, CapturedFile>; // wanted paths as this blob last wrote them, by path key
  trailingBytes: number; // decompressed bytes after the tar end marker
  error: CoreError | null; // why this blob is not a readable layer
}

/** A tar holds at least one 512-byte block; a smaller uncompressed blob is not read as one. */
const MIN_TAR_BYTES = 512;

export class BlobScanner implements TarSink {
  private readonly rawHash: Hash = createHash('sha256');
  private diffHash: Hash | null = null;
  private size = 0;
  private head: Uint8Array[] = [];
  private headBytes = 0;
  private compression: Compression | null = null;
  private decoder: Decoder | null = null;
  private readonly tar: TarReader;
  private readonly collector: EntryCollector;
  private readonly capture: LayerCapture | null;
  private tarFailed = false;
  private error: CoreError | null = null;
  private scan: BlobScan | null = null;

  /** `expectedSize`: the stored size, as the enclosing tar header or file says. */
  constructor(
    private readonly label: string,
    private readonly expectedSize: number,
    private readonly limits: Limits,
    budget: EntryBudget,
    capture: CaptureRequest | null = null,
  ) {
    this.collector = new EntryCollector(label, budget, true);
    this.capture = capture ? new LayerCapture(capture) : null;
    this.tar = new TarReader({
      label,
      limits,
      onEntry: (e) => {
        const listed = this.collector.add(e);
        return listed && this.capture ? this.capture.sinkFor(listed) : null;
      },
    });
  }

  write(chunk: Uint8Array): void | Promise<void> {
    this.rawHash.update(chunk);
    this.size += chunk.length;
    if (this.compression === null) {
      this.head.push(chunk);
      this.headBytes += chunk.length;
      if (this.headBytes < MAGIC_BYTES) return;
      return this.decide();
    }
    return this.forward(chunk);
  }

  /**
   * When the scanner no longer holds any chunk written so far, so a reader may reuse their memory; null when it
   * may keep them (a zstd decoder, or a head too short to tell the compression). The tar reader and capture sinks
   * copy what they keep before write returns; only a decoder holds chunks past it.
   */
  inputReleased(): Promise<void> | null {
    if (this.compression === null) return null;
    return this.decoder ? this.decoder.inputReleased() : Promise.resolve();
  }

  /** Stops a scan that will not end (its read failed or was stopped), so no decompression goes on behind it. */
  abandon(): void {
    this.decoder?.destroy();
  }

  async end(): Promise<void> {
    if (this.compression === null) await this.decide();
    if (this.decoder) {
      try {
        await this.decoder.end();
      } catch (e: unknown) {
        this.tarFailed = true;
        this.recordError(e);
      }
    }
    if (!this.tarFailed) this.feedTar(null);
    const digest = `sha256:${this.rawHash.digest('hex')}`;
    const compressed = this.compression !== 'none';
    const decodedAll = !compressed || (this.diffHash !== null && !this.tarFailed);
    this.scan = {
      digest,
      size: this.size,
      compression: this.compression ?? 'none',
      diffId: compressed ? (decodedAll ? `sha256:${this.diffHash!.digest('hex')}` : null) : digest,
      uncompressedSize: compressed ? (this.decoder?.outBytes ?? 0) : this.size,
      entries: this.collector.entries,
      files: this.capture?.files ?? NO_CAPTURES,
      trailingBytes: this.tar.trailingBytes,
      error: this.error,
    };
  }

  result(): BlobScan {
    if (!this.scan) throw new Error(`BlobScanner for ${this.label}: result() before end()`);
    return this.scan;
  }

  private decide(): void | Promise<void> {
    const head = Buffer.concat(this.head);
    this.head = [];
    this.compression = sniffCompression(head);
    if (this.compression === 'none' && this.expectedSize < MIN_TAR_BYTES) {
      this.tarFailed = true; // too small to be a tar; only hashed
      this.error = new CoreError(
        'TAR_TRUNCATED',
        `${this.label} (${this.expectedSize} bytes) is too short to be a tar`,
      );
    }
    if (this.compression !== 'none') {
      const diffHash = createHash('sha256');
      this.diffHash = diffHash;
      this.decoder = createDecoder(this.compression, this.label, this.limits, (out) => {
        diffHash.update(out);
        this.feedTar(out);
        if (this.tarFailed && this.error) throw this.error; // stop decompressing a blob that is not a tar
      });
    }
    return head.length > 0 ? this.forward(head) : undefined;
  }

  private forward(chunk: Uint8Array): void | Promise<void> {
    if (this.decoder) return this.decoder.write(chunk);
    if (!this.tarFailed) this.feedTar(chunk);
  }

  /** Feeds the tar reader; `null` ends it. Records the first error and stops. */
  private feedTar(chunk: Uint8Array | null): void {
    if (this.tarFailed) return;
    try {
      // Capture sinks copy synchronously and never ask to wait, so the reader makes no promise here.
      if (chunk) void this.tar.write(chunk);
      else void this.tar.end();
    } catch (e: unknown) {
      this.tarFailed = true;
      this.recordError(e);
    }
  }

  private recordError(e: unknown): void {
    if (this.error) return;
    this.error = isCoreError(e)
      ? e
      : new CoreError('TAR_BAD_HEADER', `${this.label}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
