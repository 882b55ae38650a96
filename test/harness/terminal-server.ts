// A real stepwise server on port 0 over lessons written into a temp folder, for the terminal and http suites.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createServer, type RunningServer, type ServerOptions } from '../../server/http/server.ts';
import type { SessionLimits } from '../../server/terminal/limits.ts';
import { createTestProvider } from './terminal-backend.ts';
import { ENV_DOCKER_HOST } from './env.ts';

export interface TestServer {
  server: RunningServer;
  root: string; // lessons
  stateDir: string;
  /** The cookie header a browser holds after opening the printed URL. */
  cookie: string;
  /** ws://host:port/ws */
  wsUrl: string;
  origin: string;
  stop(): Promise<void>;
}

export interface TestServerOptions extends Partial<Omit<ServerOptions, 'root' | 'limits'>> {
  /** lesson id (folder) → lesson.md text; or file path → content for other files. */
  lessons: Record<string, string>;
  files?: Record<string, string>;
  limits?: Partial<SessionLimits>;
}

export async function startTestServer(opts: TestServerOptions): Promise<TestServer> {
  const base = await mkdtemp(join(tmpdir(), 'stepwise-test-server-'));
  const root = join(base, 'lessons');
  const stateDir = join(base, 'state');
  for (const [id, markdown] of Object.entries(opts.lessons)) await writeText(join(root, id, 'lesson.md'), markdown);
  for (const [path, content] of Object.entries(opts.files ?? {})) await writeText(join(root, path), content);
  const { lessons: _lessons, files: _files, ...rest } = opts;
  // The wrapper's private engine, never the host's, unless the test says otherwise (null: none).
  const dockerHost = opts.dockerHost !== undefined ? opts.dockerHost : (process.env[ENV_DOCKER_HOST] ?? null);
  const server = await createServer({
    root,
    stateDir,
    backend: createTestProvider(stateDir, `test-${process.pid}-${Date.now()}`, dockerHost),
    ...rest,
  });
  const origin = server.baseUrl.replace(/\/$/, '');
  return {
    server,
    root,
    stateDir,
    cookie: `${server.cookieName}=${server.token ?? ''}`,
    wsUrl: `${origin.replace(/^http/, 'ws')}/ws`,
    origin,
    stop: async () => {
      await server.close();
      await rm(base, { recursive: true, force: true });
    },
  };
}

async function writeText(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
}

/** A lesson with the given steps; each step is markdown after its `## Title`. */
export function lessonMarkdown(title: string, steps: Record<string, string>, frontMatter = ''): string {
  const body = Object.entries(steps)
    .map(([heading, text]) => `## ${heading}\n\n${text.trim()}\n`)
    .join('\n');
  return `---\ntitle: ${title}\ndescription: test lesson ${title}\n${frontMatter}---\n\n${body}`;
}

/** A fenced bash cell. */
export function bash(command: string, info = ''): string {
  return `\`\`\`bash${info ? ` ${info}` : ''}\n${command}\n\`\`\`\n`;
}
