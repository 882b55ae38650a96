// stepwise's command line: serve | check | inspect | lint. Each command lives in server/cli/<name>.ts;
// this file only wires them and maps usage errors to exit code 2.
import { Command, CommanderError } from 'commander';
import { EXIT_USAGE, registerCheck, registerInspect, registerLint, registerServe } from './cli/index.ts';
import { readFileSync } from 'node:fs';

/** Set by build.mjs from package.json; absent when the sources run directly (tsx), which read package.json. */
declare const STEPWISE_VERSION: string | undefined;

function stepwiseVersion(): string {
  if (typeof STEPWISE_VERSION === 'string') return STEPWISE_VERSION;
  const pkg: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string'
    ? pkg.version
    : 'unknown';
}

export function buildProgram(): Command {
  const program = new Command('stepwise')
    .description('Interactive, checked command-line lessons: markdown steps beside a real terminal.')
    .version(stepwiseVersion())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerServe(program);
  registerCheck(program);
  registerInspect(program);
  registerLint(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e: unknown) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; everything else commander rejects is a usage error.
      process.exitCode = e.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    throw e;
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (invokedDirectly) {
  void main(process.argv);
}
