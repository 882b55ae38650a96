// A stepwise server in its own process, for benchmarks: its RSS is measured apart from the clients.
// Prints one JSON line {baseUrl, pid, lessonId} on stdout, then serves until stdin closes.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createServer } from '../../server/http/server.ts';

/** Room for the 100-session benchmark plus the other measurements. */
const BENCH_MAX_SESSIONS = 150;

const work = mkdtempSync(join(tmpdir(), 'stepwise-bench-server-'));
const lessons = join(work, 'lessons');
mkdirSync(join(lessons, 'bench'), { recursive: true });
writeFileSync(
  join(lessons, 'bench', 'lesson.md'),
  '---\ntitle: Bench\nunlock: free\n---\n\n## Type\n\n```bash\necho ready\n```\n',
);
const server = await createServer({
  root: lessons,
  token: false,
  stateDir: join(work, 'state'),
  clientDir: null,
  dockerHost: null,
  limits: { maxSessions: BENCH_MAX_SESSIONS },
});
const lessonId = server.catalog.list()[0]?.id ?? 'bench';
process.stdout.write(JSON.stringify({ baseUrl: server.baseUrl, pid: process.pid, lessonId }) + '\n');
process.stdin.resume();
process.stdin.on('end', () => {
  void server.close().then(() => {
    rmSync(work, { recursive: true, force: true });
    process.exit(0);
  });
});
