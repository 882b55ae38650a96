// Writing a file cell (Katacoda's copy-to-editor blocks and `{{open}}`) into the learner's environment.
// The write runs through the environment's exec, so it happens where the learner's shell lives (a folder or a
// container) and as the learner's user. The path is the lesson's, never the client's, and is checked twice:
// learnerPath() refuses absolute paths and '..', and the shell below refuses a path that leaves the working
// directory through a symbolic link the learner made (a folder link on the way, or a link as the file itself).
import { learnerPath, type Cell } from '../../lesson/index.ts';
import type { Environment } from '../environment.ts';

/** Writing one lesson file is instant; 10 s is for a loaded machine or a slow container engine. */
export const FILE_WRITE_TIMEOUT_MS = 10_000;
/** The exit status the script uses for "this path leaves the working directory". */
const EXIT_ESCAPES = 3;

export interface FileWriteOutcome {
  ok: boolean;
  exitCode: number;
  /** For the learner: what was written where, or why nothing was. */
  message: string;
  durationMs: number;
}

/** Run by bash (the one shell every environment has). $1 = path (relative, checked), $2 = replace | append | open; the text arrives on stdin. */
const WRITE_SCRIPT = `set -u
p=$1
top=$(pwd -P)
d=$(dirname -- "$p")
e=$d
while [ "$e" != . ] && [ ! -d "$e" ]; do e=$(dirname -- "$e"); done
real=$(cd -P -- "$e" && pwd -P) || exit 1
case $real in "$top"|"$top"/*) ;; *) echo "'$p' leads outside the working directory through a symbolic link" >&2; exit ${EXIT_ESCAPES};; esac
if [ -L "$p" ]; then echo "'$p' is a symbolic link: a file cell does not write through it" >&2; exit ${EXIT_ESCAPES}; fi
mkdir -p -- "$d" || exit 1
case $2 in
  replace) cat > "$p" || exit 1 ;;
  append) cat >> "$p" || exit 1 ;;
  open) if [ -e "$p" ]; then echo exists; else : > "$p" || exit 1; fi ;;
esac`;

export async function writeFileCell(env: Environment, cell: Cell): Promise<FileWriteOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  if (cell.kind !== 'file' || !cell.file) {
    return { ok: false, exitCode: 1, message: `cell ${cell.id} does not write a file`, durationMs: 0 };
  }
  const target = learnerPath(cell.file.path);
  if (!target.ok)
    return { ok: false, exitCode: 1, message: `nothing was written: ${target.reason}`, durationMs: elapsed() };
  const { mode } = cell.file;
  const result = await env.exec(['bash', '-c', WRITE_SCRIPT, 'bash', target.path, mode], {
    timeoutMs: FILE_WRITE_TIMEOUT_MS,
    stdin: mode === 'open' ? '' : cell.command,
  });
  if (result.exitCode !== 0) {
    const said = (result.stderr || result.stdout).trim().split('\n').slice(-2).join('\n');
    const why = result.timedOut
      ? `it took longer than ${FILE_WRITE_TIMEOUT_MS} ms`
      : said || `exit status ${result.exitCode}`;
    return {
      ok: false,
      exitCode: result.exitCode,
      message: `nothing was written to '${target.path}': ${why}`,
      durationMs: elapsed(),
    };
  }
  const bytes = Buffer.byteLength(cell.command);
  const message =
    mode === 'open'
      ? result.stdout.includes('exists')
        ? `'${target.path}' is there: edit it in the terminal`
        : `created '${target.path}' (empty): edit it in the terminal`
      : `${mode === 'append' ? 'appended' : 'wrote'} ${bytes} bytes ${mode === 'append' ? 'to' : 'as'} '${target.path}'`;
  return { ok: true, exitCode: 0, message, durationMs: elapsed() };
}
