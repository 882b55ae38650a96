// `stepwise inspect SOURCE`: what a tar, image archive, OCI layout directory or docker://REF holds.
// Exit 0 when read (and with --verify, only when every digest matched); 1 for a corrupt or mismatched archive;
// 2 for a usage error or a source that does not exist. Errors are one line on stderr with their code.
import type { Command } from 'commander';
import type { InspectOptions } from '../core/index.ts';
import { CoreError } from '../core/errors.ts';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './exit-codes.ts';

interface InspectFlags {
  json?: boolean;
  tree?: boolean;
  layers?: boolean;
  files?: boolean;
  verify?: boolean;
  dockerHost?: string;
}

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('Show what a tar, image archive, OCI layout directory or docker://REF holds, verifying every digest')
    .argument(
      '<source>',
      'a tar or image archive (plain, gzip or zstd; - for stdin), an OCI layout directory, or docker://REF',
    )
    .option('--json', 'print the stable JSON document (docs/inspect-json.md)')
    .option('--tree', 'print the merged filesystem with the layer that last wrote each path')
    .option('--layers', "print each layer's added, changed and removed paths")
    .option('--files', 'list every path of the merged filesystem (with --json: paths[] and tree[])')
    .option('--verify', 'exit 1 unless every blob digest and diff_id matched')
    .option('--docker-host <host>', 'engine for docker:// sources (default: DOCKER_HOST)')
    .action(async (source: string, flags: InspectFlags) => {
      process.exitCode = await runInspect(source, flags);
    });
}

async function runInspect(source: string, flags: InspectFlags): Promise<number> {
  // Loaded on use, so other commands start without the core library (see server/cli.ts).
  const { dockerClient, dockerEngineSource, DOCKER_SCHEME, inspect, inspectStream, isCoreError, toInspectJson } =
    await import('../core/index.ts');
  const { renderText } = await import('./inspect/render-text.ts');
  const opts: InspectOptions = { files: Boolean(flags.tree || flags.layers || flags.files) };
  if (source.startsWith(DOCKER_SCHEME) && flags.dockerHost) {
    try {
      opts.engine = dockerEngineSource(dockerClient(flags.dockerHost));
    } catch (e: unknown) {
      return reportError(e, EXIT_USAGE);
    }
  }
  try {
    const result = source === '-' ? await inspectStream(process.stdin, 'stdin', opts) : await inspect(source, opts);
    if (flags.json) {
      const doc = toInspectJson(result, { files: Boolean(flags.files), changes: Boolean(flags.layers || flags.files) });
      process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    } else {
      process.stdout.write(
        renderText(result, { tree: Boolean(flags.tree), layers: Boolean(flags.layers), files: Boolean(flags.files) }),
      );
    }
    if (flags.verify && !result.verified) {
      process.stderr.write(
        `stepwise inspect: DIGEST_MISMATCH: ${source}: ${result.warnings[0] ?? 'not every digest matched'}\n`,
      );
      return EXIT_FAILURE;
    }
    return EXIT_OK;
  } catch (e: unknown) {
    return reportError(e, isCoreError(e) && e.code === 'SOURCE_NOT_FOUND' ? EXIT_USAGE : EXIT_FAILURE);
  }
}

/** One line on stderr, with the error's code; never a stack trace. */
function reportError(e: unknown, exitCode: number): number {
  const what =
    e instanceof CoreError
      ? `${e.code}: ${e.message}`
      : `internal error: ${e instanceof Error ? e.message : String(e)}`;
  process.stderr.write(`stepwise inspect: ${what.replace(/\n/g, ' ')}\n`);
  return exitCode;
}
