// stepwise's command line: serve | check | inspect | lint. Each command lives in server/cli/<name>.ts;
// this file only wires them and maps usage errors to exit code 2.
import { Command, CommanderError } from 'commander';
import { EXIT_USAGE, registerCheck, registerInspect, registerLint, registerServe } from './cli/index.ts';

export function buildProgram(): Command {
  const program = new Command('stepwise')
    .description('Interactive, checked command-line lessons: markdown steps beside a real terminal.')
    .version(process.env.npm_package_version ?? '0.1.0')
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
