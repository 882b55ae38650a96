// `stepwise lint PATH...`: problems as `file:line: severity: message`, or --json for tools; exit 1 on any error.
import type { Command } from 'commander';
import type { LintReport } from '../lesson/index.ts';
import { EXIT_FAILURE, EXIT_OK } from './exit-codes.ts';

interface LintOptions {
  json?: boolean;
  notes: boolean;
}

export function registerLint(program: Command): void {
  program
    .command('lint')
    .description('check lessons for problems: errors, warnings and notes with file:line')
    .argument(
      '<path...>',
      'lesson folders, lesson .md files, .ipynb notebooks, index.json files, or folders of lessons',
    )
    .option('--json', 'print one JSON array with one object per lesson: its structure and problems')
    .option('--no-notes', 'leave notes out of the human output')
    .action(async (paths: string[], opts: LintOptions) => {
      const { lintLessons } = await import('../lesson/index.ts'); // loaded on use (see server/cli.ts)
      const reports = await lintLessons(paths);
      if (opts.json) process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
      else printHuman(reports, opts.notes);
      process.exitCode = hasErrors(reports) ? EXIT_FAILURE : EXIT_OK;
    });
}

function printHuman(reports: readonly LintReport[], withNotes: boolean): void {
  const counts = { error: 0, warning: 0, note: 0 };
  const lines: string[] = [];
  for (const report of reports) {
    for (const p of report.problems) {
      counts[p.severity]++;
      if (p.severity !== 'note' || withNotes) lines.push(`${p.file}:${p.line}: ${p.severity}: ${p.message}`);
    }
  }
  if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
  const lessons = reports.filter((r) => r.kind === 'lesson').length;
  process.stderr.write(
    `stepwise lint: ${lessons} lesson${lessons === 1 ? '' : 's'}, ${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.note, 'note')}\n`,
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function hasErrors(reports: readonly LintReport[]): boolean {
  return reports.some((r) => r.problems.some((p) => p.severity === 'error'));
}
