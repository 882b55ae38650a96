// `stepwise serve DIR`: the lessons beside live terminals, in the browser. Prints the URL with its access token
// (like Jupyter) on stdout; logs (pino, JSON) go to stderr.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { BACKEND_NAMES, isBackendName, type BackendName } from '../environment/names.ts';
import type { RunningServer } from '../http/index.ts';
import { DEFAULT_HOST } from '../http/auth.ts';
import { EXIT_OK, EXIT_USAGE } from './exit-codes.ts';
import { DEFAULT_CLASS_WARM_ENVIRONMENTS } from '../terminal/limits.ts';
import { holdStartupTuning } from './startup-heap.ts';
import {
  DEFAULT_LEARNER_ENGINES_MODE,
  LEARNER_ENGINE_MODES,
  type LearnerEnginesMode,
} from '../environment/learner-engine/levels.ts';

/** The port tried first when none is given; the next few are tried if it is taken. */
export const DEFAULT_PORT = 8642;
/** Ports tried after DEFAULT_PORT when it is busy (a second `stepwise serve` still starts). */
const PORT_ATTEMPTS = 10;
/** More waiting containers than this is a typo, not a class: each holds memory and a copy of its image's files. */
const MAX_WARM_ENVIRONMENTS = 200;

interface ServeOptions {
  host: string;
  port?: number;
  backend: BackendName;
  token: boolean; // --no-token sets false
  watch?: boolean;
  maxSessions?: number;
  idleTimeout?: number; // minutes
  logLevel: LogLevel;
  learnerEngines: LearnerEnginesMode;
  class?: string;
  sharedHost?: boolean;
  maxLearners?: number;
  warm?: number;
}

/** What a backend is and what a lesson runs, said plainly under the options (issue 9, finding 6). */
const BACKEND_HELP = `
Backends:
  local   (the default) A full shell on this machine, as the user running stepwise, in a working folder
          of its own. It is not a sandbox: the learner can read and change anything this user can, and
          Docker lessons use this machine's engine. The shell gets a minimal environment (HOME, PATH,
          LANG and LC_*, TERM, DOCKER_HOST and the lesson's own variables), never the server's.
  docker  One container per learner (uid 1000, no capabilities), through this machine's Docker engine.

Opening a lesson starts a shell for it on this machine (local backend), and what the lesson holds runs
there as this user: the cells the learner runs, its setup commands (on Reset), its check commands and its
verify scripts. Serve only lessons you trust.
`;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'silent'] as const;
type LogLevel = (typeof LOG_LEVELS)[number];

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve lessons in the browser, each beside a live terminal')
    .argument('[dir]', 'a folder of lessons, or one lesson', '.')
    .option('--host <address>', 'address to listen on (a non-loopback address needs the token)', DEFAULT_HOST)
    .option('--port <n>', `port to listen on (default ${DEFAULT_PORT}, or the next free one)`, parsePort)
    .addOption(
      new Option('--backend <name>', "where learners' shells run (local: a full shell on this machine; see below)")
        .choices(BACKEND_NAMES)
        .default('local' satisfies BackendName),
    )
    .option('--no-token', 'no access token (only with a loopback --host): anyone on this machine can use it')
    .option('--watch', 'reload lessons when their files change, and refresh open pages')
    .option('--max-sessions <n>', 'sessions (learner + lesson) held at once', parsePositive)
    .option('--idle-timeout <minutes>', 'close sessions idle this long', parsePositive)
    .addOption(new Option('--log-level <level>', 'log detail on stderr').choices(LOG_LEVELS).default('info'))
    .addHelpText('after', BACKEND_HELP)
    .addOption(
      new Option(
        '--learner-engines <mode>',
        'docker backend: each learner\'s own Docker engine. "safe" runs them only at a level that cannot give a learner ' +
          'the host (user-namespace remapped); "privileged" also accepts privileged engine containers, from which a learner can become root on this host',
      )
        .choices(LEARNER_ENGINE_MODES)
        .default(DEFAULT_LEARNER_ENGINES_MODE),
    )
    .option(
      '--class <name>',
      "serve a class: learners join at /join with a class code; the token URL is the instructor's (kept across restarts by name)",
    )
    .option('--shared-host', "allow --backend local in a class: every learner then gets a shell as this server's user")
    .option('--max-learners <n>', 'learners one class admits', parsePositiveInteger)
    .option(
      '--warm <n>',
      `docker backend: containers kept made ahead of learners, for each kind of lesson, so a learner who opens one ` +
        `gets a prompt at once (default: ${DEFAULT_CLASS_WARM_ENVIRONMENTS} in a class, 0 otherwise; set it to the ` +
        `class size when everyone joins together)`,
      parseWholeNumber,
    )
    .action(async (dir: string, opts: ServeOptions, command: Command) => {
      // A class uses the docker provider unless --backend was given (local then needs --shared-host).
      if (opts.class !== undefined && command.getOptionValueSource('backend') === 'default') opts.backend = 'docker';
      process.exitCode = await serve(dir, opts);
    });
}

async function serve(dir: string, opts: ServeOptions): Promise<number> {
  const root = resolve(dir);
  if (!existsSync(root)) {
    process.stderr.write(`stepwise serve: ${dir}: no such folder\n`);
    return EXIT_USAGE;
  }
  if (!isBackendName(opts.backend)) return EXIT_USAGE; // commander's choices() already refused it
  if (opts.warm !== undefined && opts.warm > 0 && opts.backend !== 'docker')
    process.stderr.write(
      `stepwise serve: --warm applies to --backend docker; the ${opts.backend} backend starts shells at once\n`,
    );
  // V8 is held back from sizing itself for the module loading until the server is up, or has failed to
  // start: startup-heap.ts.
  const releaseStartupTuning = holdStartupTuning();
  const started = await startServer(root, opts).finally(releaseStartupTuning);
  if (typeof started === 'number') return started;
  const { server, docker, log } = started;
  const count = server.catalog.list().length;
  if (server.classroom) {
    const base = server.baseUrl;
    process.stdout.write(
      `stepwise: class "${server.classroom.name}", ${count} lesson${count === 1 ? '' : 's'} from ${root} (backend: ${opts.backend})\n` +
        `instructor: ${base}instructor?token=${server.token ?? ''}\n` +
        `learners:   ${base}join\n` +
        `code: ${server.classroom.code}\n`,
    );
  } else {
    process.stdout.write(
      `stepwise: serving ${count} lesson${count === 1 ? '' : 's'} from ${root} (backend: ${opts.backend})\n` +
        `    ${server.url}\n` +
        `Open the link above in a browser. Press Ctrl-C to stop.\n`,
    );
  }
  await new Promise<void>((done) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(130); // a second Ctrl-C: do not wait for environments to be removed
      stopping = true;
      log.info({ signal }, 'stopping: closing sessions');
      void server
        .close()
        .then(() => docker?.dispose())
        .then(done);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return EXIT_OK;
}

/** Loads the server and listens on the first free port: the running server, or the exit code of a failed start. */
async function startServer(root: string, opts: ServeOptions) {
  // Loaded on use, so other commands start without the server, node-pty and xterm (see server/cli.ts).
  const { createServer, ServerConfigError } = await import('../http/index.ts');
  const { createLogger } = await import('../http/index.ts');
  const log = createLogger(opts.logLevel);
  const limits = {
    ...(opts.maxSessions !== undefined ? { maxSessions: opts.maxSessions } : {}),
    ...(opts.idleTimeout !== undefined ? { idleTimeoutMs: opts.idleTimeout * 60_000 } : {}),
  };
  const docker = opts.backend === 'docker' ? await dockerBackendWithEngines(opts.learnerEngines) : null;
  let server: RunningServer | null = null;
  const ports =
    opts.port !== undefined ? [opts.port] : Array.from({ length: PORT_ATTEMPTS }, (_, i) => DEFAULT_PORT + i);
  for (const port of ports) {
    try {
      server = await createServer({
        root,
        host: opts.host,
        port,
        backend: docker?.provider ?? opts.backend,
        ...(opts.token ? {} : { token: false as const }),
        watch: opts.watch ?? false,
        limits,
        logger: log,
        warm: opts.warm ?? (opts.class !== undefined ? DEFAULT_CLASS_WARM_ENVIRONMENTS : 0),
        ...(opts.class !== undefined
          ? {
              class: {
                name: opts.class,
                sharedHost: opts.sharedHost ?? false,
                ...(opts.maxLearners !== undefined ? { maxLearners: opts.maxLearners } : {}),
              },
            }
          : {}),
      });
      break;
    } catch (e: unknown) {
      if (e instanceof ServerConfigError && e.code === 'LISTEN_FAILED' && port !== ports.at(-1)) continue;
      if (
        e instanceof ServerConfigError ||
        isClassConfigError(e) ||
        (e instanceof Error && 'code' in e && e.code === 'REQUIRES_UNMET')
      ) {
        process.stderr.write(`stepwise serve: ${e.message}\n`);
        await docker?.dispose();
        return EXIT_USAGE;
      }
      throw e;
    }
  }
  if (!server) {
    await docker?.dispose();
    return EXIT_USAGE;
  }
  return { server, docker, log };
}

/** The docker backend with learners' own engines at the strongest level the probe finds and `mode` allows; the
 * level goes to stdout. Without a level, Docker lessons are refused with the policy's words (naming the flag). */
async function dockerBackendWithEngines(mode: LearnerEnginesMode) {
  const { dockerProviderWithEngines } = await import('../environment/index.ts');
  const docker = await dockerProviderWithEngines({ mode });
  process.stdout.write(`stepwise: ${docker.decision}\n`);
  return docker;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('a port is a whole number from 0 to 65535');
  return n;
}

/** A class's own errors at start (a bad class name, a database from a newer stepwise) are usage errors. */
function isClassConfigError(e: unknown): e is Error {
  return (
    e instanceof Error &&
    'code' in e &&
    ['BAD_CLASS_NAME', 'CLASS_DB_NEWER', 'CLASS_DB_UNREADABLE', 'CLASS_NAME_MISMATCH'].includes(String(e.code))
  );
}

function parseWholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > MAX_WARM_ENVIRONMENTS)
    throw new InvalidArgumentError(`expected a whole number from 0 to ${MAX_WARM_ENVIRONMENTS}`);
  return n;
}

function parsePositiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a whole number above 0');
  return n;
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number above 0');
  return n;
}
