// Writes small lesson folders for tests: a map of relative paths to file contents.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Problem } from '../../server/lesson/index.ts';

export function writeTree(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

/** The lines of a file, each ending in a newline. */
export function lines(...text: string[]): string {
  return `${text.join('\n')}\n`;
}

/** A lesson's problems in one file, as "LINE severity: message". */
export function listed(problems: readonly Problem[], file: string): string[] {
  return problems.filter((p) => p.file === file).map((p) => `${p.line} ${p.severity}: ${p.message}`);
}
