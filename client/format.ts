// Pure formatting helpers shared by the views. No DOM: unit-tested under node.

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** 1536 → "1.5 KB"; one decimal below 100 of a unit, none above (and none for bytes). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits).replace(/\.0$/, '')} ${BYTE_UNITS[unit]}`;
}

/** 42 → "42 ms", 1530 → "1.5 s", 95000 → "1 min 35 s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0).replace(/\.0$/, '')} s`;
  const min = Math.floor(s / 60);
  return `${min} min ${Math.round(s - min * 60)} s`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "sha256:abcdef0123…" → "abcdef012345" (12 hex digits, as docker prints ids). */
export function shortDigest(digest: string | null): string {
  if (!digest) return '—';
  const hex = digest.includes(':') ? digest.slice(digest.indexOf(':') + 1) : digest;
  return hex.slice(0, 12);
}

/**
 * History's created_by as a person reads it: the `/bin/sh -c #(nop) ` prefix docker adds to metadata-only
 * instructions is dropped, and `/bin/sh -c ` becomes `RUN `.
 */
export function readableCommand(createdBy: string | null): string {
  if (!createdBy) return '';
  const trimmed = createdBy.trim();
  const nop = /^\/bin\/sh -c #\(nop\)\s*/;
  if (nop.test(trimmed)) return trimmed.replace(nop, '');
  const run = /^\/bin\/sh -c\s+/;
  if (run.test(trimmed)) return `RUN ${trimmed.replace(run, '')}`;
  return trimmed.replace(/\s+# buildkit$/, '');
}

/** A server's reason as a sentence: "no engine at x" → "No engine at x." */
export function sentence(text: string): string {
  const t = text.trim();
  if (t === '') return t;
  const capital = t[0]!.toUpperCase() + t.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
