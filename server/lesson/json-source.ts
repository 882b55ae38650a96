// JSON files (index.json, structure.json, *-pathway.json) with line numbers. JSON.parse decides validity, as
// Katacoda's own tooling would; the YAML parser (JSON is YAML) supplies the line of each key.
import type { SourceRef } from './model.ts';
import { ProblemList } from './problems.ts';
import type { PathKey } from './yaml-source.ts';
import { parseYamlSource } from './yaml-source.ts';

/** A parsed value and where each part of it is in its file. */
export interface Located {
  readonly value: unknown;
  ref(path: readonly PathKey[], which?: 'key' | 'value'): SourceRef;
}

export function parseJsonSource(text: string, file: string, problems: ProblemList): Located | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e: unknown) {
    if (!(e instanceof SyntaxError)) throw e;
    problems.error(
      { file, line: errorLine(text, e.message) },
      `bad JSON: ${e.message.replace(/ in JSON at position \d+.*$/, '')}`,
    );
    return null;
  }
  const lines = parseYamlSource(text, file, 1, new ProblemList());
  if (lines) return { value, ref: (path, which) => lines.ref(path, which) };
  // Valid JSON that the YAML reader refuses (rare): keep the value; problems point at line 1.
  return { value, ref: () => ({ file, line: 1 }) };
}

/** The line of a JSON.parse error, from "at position N" (Node 20) or "line N" (newer engines); else the last line. */
function errorLine(text: string, message: string): number {
  const line = /\(line (\d+) column \d+\)/.exec(message);
  if (line) return Number(line[1]);
  const position = /at position (\d+)/.exec(message);
  const offset = position ? Number(position[1]) : text.length;
  return text.slice(0, offset).split('\n').length;
}
