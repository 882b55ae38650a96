// The messages between a LayerScanPool and its scan workers: one job (scan a byte range of an open file as a
// blob) and its answer (the BlobScan, or why it failed). Both sides run stepwise's own code, but a message is
// still a boundary: what arrives is unknown until it is checked here.
import type { BlobScan } from '../blob-scan.ts';
import { CoreError, isCoreErrorCode } from '../errors.ts';
import type { CapturedFile } from '../files/capture.ts';
import type { Limits } from '../limits.ts';
import type { Truncation } from './scan-range.ts';

/** What a worker answers when its job was stopped through the job's abort flag. */
export const SCAN_STOPPED_MESSAGE = 'the scan was stopped';

export interface ScanJob {
  id: number;
  fd: number; // a descriptor of the parent's, open for the whole job; workers share the process's descriptors
  start: number; // byte offset of the blob in the file
  length: number; // stored bytes of the blob
  label: string; // names the blob in entries' errors
  truncation: Truncation; // names the range when the file ends inside it
  limits: Limits;
  entries: { max: number; shared: SharedArrayBuffer }; // the read's EntryBudget
  capture: { wanted: string[]; maxFileBytes: number; budgetMax: number; budget: SharedArrayBuffer } | null;
  abort: SharedArrayBuffer; // one Int32: non-zero asks the worker to stop between chunks
}

/** An error as it crosses threads: structured clone keeps neither a CoreError's class nor an errno's code. */
export interface WireError {
  code: string | null; // a CoreErrorCode, a system error's code (EIO, EBADF), or null
  message: string;
}

/** A BlobScan as it crosses threads: a Buffer arrives as a plain Uint8Array, an error as a WireError. */
export interface WireScan extends Omit<BlobScan, 'error' | 'files'> {
  error: WireError | null;
  files: ReadonlyMap<string, Omit<CapturedFile, 'content'> & { content: Uint8Array | null }>;
}

export type ScanAnswer = { id: number; ok: true; scan: WireScan } | { id: number; ok: false; error: WireError };

export function toWireError(e: unknown): WireError {
  if (e instanceof CoreError) return { code: e.code, message: e.message };
  const code = e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : null;
  return { code, message: e instanceof Error ? e.message : String(e) };
}

export function fromWireError(e: WireError): Error {
  if (isCoreErrorCode(e.code)) return new CoreError(e.code, e.message);
  const error: NodeJS.ErrnoException = new Error(e.message);
  if (e.code !== null) error.code = e.code;
  return error;
}

export function toWireScan(scan: BlobScan): WireScan {
  return { ...scan, error: scan.error ? toWireError(scan.error) : null };
}

export function fromWireScan(scan: WireScan): BlobScan {
  const error = scan.error ? fromWireError(scan.error) : null;
  const files = new Map<string, CapturedFile>();
  for (const [key, file] of scan.files) {
    const content = file.content
      ? Buffer.from(file.content.buffer, file.content.byteOffset, file.content.length)
      : null;
    files.set(key, { ...file, content });
  }
  // A scan's own error is always a CoreError (BlobScanner records nothing else); anything else is a bug.
  if (error && !(error instanceof CoreError)) throw error;
  return { ...scan, error, files };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isWireError(value: unknown): value is WireError {
  return (
    isRecord(value) && (value.code === null || typeof value.code === 'string') && typeof value.message === 'string'
  );
}

/** Checks an answer's envelope; the scan inside is the worker's BlobScanner output, cloned. */
export function parseScanAnswer(value: unknown): ScanAnswer {
  if (!isRecord(value) || typeof value.id !== 'number') throw new Error('a scan worker sent a message without an id');
  if (value.ok === false && isWireError(value.error)) return { id: value.id, ok: false, error: value.error };
  if (value.ok === true && isRecord(value.scan) && value.scan.files instanceof Map && Array.isArray(value.scan.entries))
    return { id: value.id, ok: true, scan: value.scan as unknown as WireScan };
  throw new Error(`a scan worker sent a malformed answer to job ${value.id}`);
}

/** Checks a job's envelope on the worker's side. */
export function parseScanJob(value: unknown): ScanJob {
  if (
    !isRecord(value) ||
    typeof value.id !== 'number' ||
    typeof value.fd !== 'number' ||
    typeof value.start !== 'number' ||
    typeof value.length !== 'number' ||
    typeof value.label !== 'string' ||
    !isRecord(value.truncation) ||
    typeof value.truncation.source !== 'string' ||
    !isRecord(value.limits) ||
    !isRecord(value.entries) ||
    !(value.entries.shared instanceof SharedArrayBuffer) ||
    !(value.abort instanceof SharedArrayBuffer) ||
    !(value.capture === null || (isRecord(value.capture) && value.capture.budget instanceof SharedArrayBuffer))
  ) {
    throw new Error('a scan worker was sent a malformed job');
  }
  return value as unknown as ScanJob;
}
