// Katacoda/Killercoda verify-script semantics, as a pure function of what the script did:
// - exit 0 passes; so does the legacy convention of printing a line "done" (Katacoda's first verify scripts);
// - the failure reason comes from `FAIL:` lines on stdout or stderr, else from the file named by
//   $VERIFICATION_FAILURE_REASON, else from the script's last line of output;
// - a script that ran out of time fails, whatever it printed.

export interface ScriptRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Contents of the $VERIFICATION_FAILURE_REASON file, when the script wrote one. */
  reasonFile?: string;
}

export interface ScriptVerdict {
  passed: boolean;
  /** Why it failed, in the script's own words when it gave any. */
  reason: string;
}

const FAIL_LINE = /^\s*FAIL:\s?(.*)$/;

function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '');
}

export function interpretScriptRun(run: ScriptRun, timeoutMs: number): ScriptVerdict {
  if (run.timedOut)
    return { passed: false, reason: `it was still running after ${formatSeconds(timeoutMs)} and was stopped` };
  const printedDone = lines(run.stdout).some((l) => l.trim() === 'done');
  if (run.exitCode === 0 || printedDone)
    return { passed: true, reason: printedDone ? 'it printed done' : 'it exited 0' };
  const failLines = [...lines(run.stdout), ...lines(run.stderr)]
    .flatMap((l) => {
      const m = FAIL_LINE.exec(l);
      return m ? [(m[1] ?? '').trim()] : [];
    })
    .filter((r) => r !== '');
  if (failLines.length > 0) return { passed: false, reason: failLines.join('; ') };
  const fromFile = (run.reasonFile ?? '').trim();
  if (fromFile !== '') return { passed: false, reason: fromFile };
  const last = [...lines(run.stderr), ...lines(run.stdout)].pop();
  return {
    passed: false,
    reason:
      last === undefined ? `it exited ${run.exitCode} without saying why` : `it exited ${run.exitCode}: ${last.trim()}`,
  };
}

export function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}
