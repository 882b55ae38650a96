// Runs one cell the way a learner would: typed into its terminal's real pty, waiting for the shell
// integration's end marker. A cell still running at the timeout is interrupted and fails.
import type { Cell } from '../lesson/index.ts';
import type { CheckSession } from './check-session.ts';
import type { CellRun } from './results.ts';
import { writeFileCell } from '../environment/index.ts';

function base(cell: Cell): Omit<CellRun, 'exitCode' | 'output' | 'durationMs' | 'truncated' | 'timedOut' | 'ok'> {
  return {
    cellId: cell.id,
    command: cell.command,
    terminal: cell.terminal,
    source: cell.source,
    expectExit: cell.expectExit,
  };
}

function notRun(cell: Cell, why: string): CellRun {
  return {
    ...base(cell),
    exitCode: null,
    output: '',
    durationMs: 0,
    truncated: false,
    timedOut: false,
    ok: true,
    skipped: why,
  };
}

/** Why a cell is shown but not typed by `stepwise check`, or null for a cell it runs. */
export function notRunReason(cell: Cell): string | null {
  if (cell.kind === 'copy') return 'a copy cell is for the clipboard';
  if (!cell.runnable) return 'marked norun';
  if (cell.noNewline) return 'typed without Enter, so it never finishes';
  return null;
}

export async function runCell(session: CheckSession, cell: Cell, timeoutMs: number): Promise<CellRun> {
  const skip = notRunReason(cell);
  if (skip !== null) return notRun(cell, skip);
  if (cell.kind === 'file') {
    // A file cell writes its text where the learner's button would: no terminal is involved.
    const w = await writeFileCell(session.env, cell);
    return {
      ...base(cell),
      exitCode: w.exitCode,
      output: w.message,
      durationMs: w.durationMs,
      truncated: false,
      timedOut: false,
      ok: w.ok,
    };
  }
  const shell = await session.terminal(cell.terminal);
  if (cell.kind === 'interrupt') {
    shell.interrupt();
    return { ...base(cell), exitCode: null, output: '', durationMs: 0, truncated: false, timedOut: false, ok: true };
  }
  if (cell.kind === 'keys') {
    shell.write(cell.command);
    return { ...base(cell), exitCode: null, output: '', durationMs: 0, truncated: false, timedOut: false, ok: true };
  }
  const r = await shell.run(cell.command, { timeoutMs, cellId: cell.id });
  // ShellTerminal sent Ctrl-C at the timeout; a null exit code means the shell never came back from it, so
  // nothing more may be typed into it.
  if (r.timedOut && r.exitCode === null) session.discardTerminal(cell.terminal);
  return {
    ...base(cell),
    exitCode: r.exitCode,
    output: r.output,
    durationMs: Math.round(r.durationMs),
    truncated: r.truncated,
    timedOut: r.timedOut,
    ok: !r.timedOut && r.exitCode === cell.expectExit,
  };
}
