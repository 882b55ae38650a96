// `stepwise check PATH...`: runs lessons headlessly in real terminals and proves every check fails before its
// step and passes after. The work is in server/check-runner; this wires the options, the signals and the exit code.
import type { Command } from 'commander';
import { checkOptions, DEFAULT_TIMEOUT_MS, UsageError, type RawCheckOptions } from './check-options.ts';
import type { CheckCommandResult } from '../check-runner/index.ts';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, exitCodeForSignal } from './exit-codes.ts';

/** Signals that quit at once, cleanup or not: the first starts cleanup, the ones between only say it is running. */
const SIGNALS_TO_QUIT_AT_ONCE = 3;

function exitCode(result: CheckCommandResult, signal: NodeJS.Signals | null): number {
  switch (result.kind) {
    case 'usage':
    case 'unmet':
      return EXIT_USAGE;
    case 'interrupted':
      return exitCodeForSignal(signal ?? 'SIGINT');
    case 'done':
      return result.summary.failed + result.summary.vacuous > 0 ? EXIT_FAILURE : EXIT_OK;
  }
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('run lessons in a real terminal: each check must fail before its step and pass after')
    .argument(
      '<path...>',
      'lesson folders, lesson .md files, .ipynb notebooks, index.json files, or folders of lessons',
    )
    .option('--backend <name>', 'where the lesson runs: local or docker', 'local')
    .option(
      '--learner-engines <mode>',
      'docker backend: a Docker lesson gets a Docker engine of its own, as a class learner does. "safe" (default) ' +
        'only at a level that cannot give the lesson the host; "privileged" also accepts a privileged engine container',
    )
    .option('--junit <file>', 'write a JUnit XML report: one testcase per step, the transcript in <system-out>')
    .option(
      '--ipynb <file>',
      'write the run as a Jupyter notebook (nbformat 4.5, bash kernel): each cell with its output, exit code and duration, and the check results',
    )
    .option('--tap', 'print TAP version 13 on stdout')
    .option('--step <n>', 'run steps 1..N-1 without asserting, then assert step N')
    .option('--keep', 'leave the environment (folder or container) for debugging')
    .option(
      '--timeout <duration>',
      `how long each cell may run before it fails: 90, 90s, 500ms, 2m (default ${DEFAULT_TIMEOUT_MS / 1000}s)`,
    )
    .action(async (paths: string[], raw: RawCheckOptions) => {
      let opts;
      try {
        opts = checkOptions(raw);
      } catch (e: unknown) {
        if (!(e instanceof UsageError)) throw e;
        process.stderr.write(`stepwise check: ${e.message}\n`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      // Ctrl-C or SIGTERM: the runner disposes of the live environment, then the process leaves at once (a
      // cell may still be running in the shell being killed). A second signal while that cleanup runs only says
      // so: a quick double Ctrl-C must not leave a session folder, containers or learner engines behind. A third
      // quits at once, and says what may be left.
      const controller = new AbortController();
      let caught: NodeJS.Signals | null = null;
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals) => {
        signals++;
        if (signals === 1) {
          caught = signal;
          process.stderr.write(`stepwise check: ${signal}, cleaning up\n`);
          controller.abort();
        } else if (signals < SIGNALS_TO_QUIT_AT_ONCE) {
          process.stderr.write(
            `stepwise check: ${signal} again, still cleaning up; one more quits at once and may leave this run's environment behind\n`,
          );
        } else {
          process.stderr.write(
            `stepwise check: ${signal}, quitting before cleanup finished; this run's environment may be left behind\n`,
          );
          process.exit(exitCodeForSignal(caught ?? signal));
        }
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        // Loaded on use: the runner pulls in node-pty, dockerode and the core library (see server/cli.ts).
        const { runCheckCommand } = await import('../check-runner/index.ts');
        const result = await runCheckCommand(
          paths,
          opts,
          { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text), env: process.env },
          controller.signal,
        );
        if (result.kind === 'interrupted') process.exit(exitCode(result, caught));
        process.exitCode = exitCode(result, caught);
      } catch (e: unknown) {
        // A bug, not a lesson problem: one line for the user (environments were already disposed on the way out).
        process.stderr.write(`stepwise check: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exitCode = EXIT_FAILURE;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
