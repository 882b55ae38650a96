// Katacoda/Killercoda action marks: `cmd`{{exec}}, ```...```{{execute T2 interrupt}}, `text`{{copy}}, `text`{{}}.
import type { CellKind } from '../model.ts';

export type ActionMark =
  /** `{{}}`: plain code, copying disabled; not a cell. */
  | { type: 'plain' }
  | {
      type: 'cell';
      kind: CellKind;
      terminal: number; // 1-based; T<n>
      host?: number; // HOST<n>
      noNewline: boolean;
      runnable: boolean;
      /** `{{open}}`: the span names a file to open (a file cell in `open` mode). */
      opensFile: boolean;
      /** Modifier words stepwise does not know; reported, never silently dropped. */
      unknownWords: string[];
    };

/**
 * Parses the text between `{{` and `}}`. Returns null when it is not an action at all (a placeholder such as
 * TRAFFIC_HOST1_80, or a Hugo shortcode), so callers leave it alone. Words are case-insensitive, in any order.
 */
export function parseActionMark(inner: string): ActionMark | null {
  const words = inner
    .trim()
    .split(/\s+/)
    .filter((w) => w.length > 0);
  const [verb, ...modifiers] = words;
  if (verb === undefined) return { type: 'plain' };
  const action = verb.toLowerCase();
  if (action !== 'exec' && action !== 'execute' && action !== 'copy' && action !== 'open') return null;
  const mark: Extract<ActionMark, { type: 'cell' }> = {
    type: 'cell',
    kind: action === 'copy' ? 'copy' : action === 'open' ? 'file' : 'exec',
    terminal: 1,
    noNewline: false,
    runnable: action !== 'copy',
    opensFile: action === 'open',
    unknownWords: [],
  };
  for (const word of modifiers) {
    const lower = word.toLowerCase();
    const terminal = /^t(\d+)$/.exec(lower);
    const host = /^host(\d+)$/.exec(lower);
    if (action === 'copy' || action === 'open') mark.unknownWords.push(word);
    else if (terminal) mark.terminal = Number(terminal[1]);
    else if (host) mark.host = Number(host[1]);
    else if (lower === 'interrupt') mark.kind = 'interrupt';
    else if (lower === 'ctrl-seq') mark.kind = 'keys';
    else if (lower === 'no-newline') mark.noNewline = true;
    else mark.unknownWords.push(word);
  }
  return mark;
}

/** `{{...}}` right at the start of `text`, if it is an action mark: its length and parse. */
export function leadingActionMark(text: string): { length: number; mark: ActionMark } | null {
  const m = /^\{\{([^{}\n]*)\}\}/.exec(text);
  if (!m || m[1] === undefined) return null;
  const mark = parseActionMark(m[1]);
  return mark ? { length: m[0].length, mark } : null;
}
