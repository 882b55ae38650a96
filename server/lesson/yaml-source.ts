// YAML (and JSON, which is YAML) with line numbers: every problem points at the line of the key or value it is about.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import type { SourceRef } from './model.ts';
import type { ProblemList } from './problems.ts';

export type PathKey = string | number;

/** A parsed YAML text and a way back from a value's path to its line in the file. */
export class YamlSource {
  constructor(
    readonly doc: Document.Parsed,
    private readonly lineCounter: LineCounter,
    /** The file line (1-based) of the text's first line. */
    readonly baseLine: number,
    readonly file: string,
  ) {}

  private cached: { value: unknown } | undefined;

  /** The plain JS value. Throws if alias expansion goes beyond MAX_YAML_ALIASES (checked once by parseYamlSource). */
  get value(): unknown {
    this.cached ??= { value: this.doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) };
    return this.cached.value;
  }

  /** The line of the node at `path`; for a path that does not exist, the line of its deepest existing parent. */
  lineOf(path: readonly PathKey[], which: 'key' | 'value' = 'key'): number {
    return this.lineAt(this.lineOfNode(this.doc.contents, path, which));
  }

  ref(path: readonly PathKey[], which: 'key' | 'value' = 'key'): SourceRef {
    return { file: this.file, line: this.lineOf(path, which) };
  }

  /** The node at `path` itself (for walking sequences item by item). */
  nodeAt(path: readonly PathKey[]): unknown {
    return path.length === 0 ? this.doc.contents : this.doc.getIn(path, true);
  }

  lineOfNodeValue(node: unknown): number {
    return this.lineAt(offsetOf(node) ?? 0);
  }

  private lineAt(offset: number): number {
    return this.baseLine + this.lineCounter.linePos(offset).line - 1;
  }

  private lineOfNode(node: unknown, path: readonly PathKey[], which: 'key' | 'value'): number {
    let current: unknown = node;
    let offset = offsetOf(current) ?? 0;
    for (const [i, key] of path.entries()) {
      const last = i === path.length - 1;
      if (isMap(current)) {
        const pair = current.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key));
        if (!pair) return offset;
        const keyOffset = offsetOf(pair.key) ?? offset;
        offset = last && which === 'key' ? keyOffset : (offsetOf(pair.value) ?? keyOffset);
        current = pair.value;
      } else if (isSeq(current) && typeof key === 'number') {
        const item: unknown = current.items[key];
        if (item === undefined) return offset;
        current = item;
        offset = offsetOf(current) ?? offset;
      } else {
        return offset;
      }
    }
    return offset;
  }
}

/** YAML anchors and aliases can expand exponentially ("billion laughs"); lesson YAML needs very few. */
const MAX_YAML_ALIASES = 100;

function offsetOf(node: unknown): number | undefined {
  if (node && typeof node === 'object' && 'range' in node) {
    const range = (node as YamlNode).range;
    if (range) return range[0];
  }
  return undefined;
}

/**
 * Parses `text` (whose first line is line `baseLine` of `file`). Syntax errors and warnings go to `problems`;
 * returns null when the text is not valid YAML.
 */
export function parseYamlSource(
  text: string,
  file: string,
  baseLine: number,
  problems: ProblemList,
): YamlSource | null {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const lineOfError = (pos: { line: number } | undefined) => baseLine + (pos ? pos.line : 1) - 1;
  for (const w of doc.warnings)
    problems.warning({ file, line: lineOfError(w.linePos?.[0]) }, `YAML: ${firstLine(w.message)}`);
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const opener = /^Flow (sequence|map)/.test(e.message) ? unclosedFlowOpener(text, e.pos[0]) : null;
      const line = opener === null ? lineOfError(e.linePos?.[0]) : baseLine + lineCounter.linePos(opener).line - 1;
      problems.error({ file, line }, `bad YAML: ${firstLine(e.message)}`);
    }
    return null;
  }
  const source = new YamlSource(doc, lineCounter, baseLine, file);
  try {
    // Reading .value is the point: it expands aliases, and their limits are enforced here.
    // eslint-disable-next-line @typescript-eslint/no-meaningless-void-operator
    void source.value;
  } catch (e: unknown) {
    problems.error({ file, line: baseLine }, `bad YAML: ${e instanceof Error ? firstLine(e.message) : String(e)}`);
    return null;
  }
  return source;
}

/**
 * YAML notices an unclosed `[` or `{` where the text stops making sense, often lines later; the author needs
 * the line that opened it. Returns the offset of the outermost flow opener still open at `until`, or null.
 * Quoted strings are skipped; comments end at the line end.
 */
function unclosedFlowOpener(text: string, until: number): number | null {
  const open: number[] = [];
  let quote: string | null = null;
  let comment = false;
  for (let i = 0; i < Math.min(until, text.length); i++) {
    const ch = text[i];
    if (ch === '\n') comment = false;
    if (comment) continue;
    if (quote !== null) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = null;
      continue;
    }
    const before = previousNonSpace(text, i);
    const startsValue = before === '' || ':-,[{'.includes(before);
    if ((ch === '"' || ch === "'") && startsValue) quote = ch;
    else if (ch === '#' && /\s/.test(text[i - 1] ?? ' ')) comment = true;
    else if ((ch === '[' || ch === '{') && startsValue) open.push(i);
    else if ((ch === ']' || ch === '}') && open.length > 0) open.pop();
  }
  return open[0] ?? null;
}

/** The nearest non-blank character before `i` on the same line, or '' at the line start. */
function previousNonSpace(text: string, i: number): string {
  for (let j = i - 1; j >= 0; j--) {
    const ch = text[j];
    if (ch === '\n') return '';
    if (ch !== ' ' && ch !== '\t') return ch ?? '';
  }
  return '';
}

/** yaml's pretty messages add " at line N, column M:" and an excerpt; file:line already says where. */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '').trim();
}
