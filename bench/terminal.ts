// bench/terminal: the terminal path's speed and cost, against DESIGN.md's targets.
//   throughput  200 MB of 100-char lines, pty → ws → client, as a ratio to reading the same bytes from a raw pty (≥ 0.9×),
//               beside a ceiling: the raw reader forwarding 64 KiB batches over TCP from its one thread
//   echo        keystroke echo through the server, p50 and p99 (p99 < 5 ms on loopback)
//   Ctrl-C      a `yes` flood with a slow client: bytes after Ctrl-C (≤ high watermark + one batch) and time to the prompt
//   100 sessions echo p99 (< 50 ms) and server RSS per session (< 10 MB)
//   idle RSS    `stepwise serve` as users run it (dist/cli.js), one lesson open at a prompt (< 60 MB)
// The server runs in its own process (lib/bench-server.ts); the 100-session figures come from a fresh one.
// Run: npm run bench:terminal  [-- --mb 200 --keys 500 --sessions 100 --rounds 3 --cpu-prof DIR --only idle,echo]
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as pty from 'node-pty';
import { BenchClient } from './lib/bench-client.ts';
import { mib, verdict } from './lib/measure.ts';
import { FLOW_HIGH_WATERMARK } from '../server/protocol/limits.ts';
import { BATCH_MAX_BYTES } from '../server/terminal/output-batcher.ts';

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '200' },
    keys: { type: 'string', default: '500' },
    sessions: { type: 'string', default: '100' },
    // Throughput rounds: raw and via-server runs alternate, so load from elsewhere hits both alike; best of each.
    rounds: { type: 'string', default: '3' },
    // Writes a V8 CPU profile of the server process into this folder (read it with Chrome DevTools or speedscope).
    'cpu-prof': { type: 'string' },
    // Runs only some parts, comma-separated: throughput, echo, ctrlc, sessions, idle (default: all).
    only: { type: 'string', default: 'throughput,echo,ctrlc,sessions,idle' },
  },
});
const LINE = 'x'.repeat(99) + '\n'; // 100 chars per line with its newline
const lines = Math.round((Number(values.mb) * 1e6) / LINE.length);
/** A pty turns each \n into \r\n: the bytes a reader sees. */
const expectedBytes = lines * (LINE.length + 1);
const keys = Number(values.keys);
const sessionCount = Number(values.sessions);
const rounds = Math.max(1, Number(values.rounds));
const COLS = 120;
const ROWS = 40;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function writeLines(file: string): Promise<void> {
  const out = createWriteStream(file);
  const chunk = LINE.repeat(10_000);
  for (let i = 0; i < lines; i += 10_000) {
    if (!out.write(lines - i >= 10_000 ? chunk : LINE.repeat(lines - i))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/**
 * Baseline: the same bytes read straight from a node-pty (the shell sleeps after, so the pty's exit cannot drop
 * output). Read as bytes (`encoding: null`), like the server reads its ptys: a string-decoding reader would be
 * slower and flatter the ratio. With `forward`, each 64 KiB gathered is also written to that socket from the same
 * thread, which is the least any one-threaded server must do: the ceiling run below.
 */
async function rawPty(file: string, forward?: Socket): Promise<FloodRun> {
  const cpu = cpuMeter();
  const p = pty.spawn('bash', ['--norc', '-c', `cat '${file}'; sleep 5`], {
    cols: COLS,
    rows: ROWS,
    env: { ...process.env, TERM: 'xterm-256color' },
    encoding: null,
  });
  let seen = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const sub = p.onData((d: string | Buffer) => {
      const chunk = typeof d === 'string' ? Buffer.from(d) : d;
      seen += chunk.length;
      if (forward) {
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes >= BATCH_MAX_BYTES) {
          forward.write(Buffer.concat(pending, pendingBytes));
          pending = [];
          pendingBytes = 0;
        }
      }
      if (seen >= expectedBytes) {
        sub.dispose();
        resolve();
      }
    });
  });
  const ms = performance.now() - started;
  p.kill('SIGKILL');
  return { ms, ...cpu.read() };
}

/** A process that accepts one TCP connection on loopback and discards what it reads: the ceiling run's peer. */
async function startDiscardPeer(): Promise<{ socket: Socket; stop(): Promise<void> }> {
  const peer = spawn(
    process.execPath,
    [
      '-e',
      "const s = require('node:net').createServer((c) => c.resume()).listen(0, '127.0.0.1', () => console.log(s.address().port));",
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: peer.stdout }).once('line', (line) => resolve(Number(line)));
    peer.once('exit', (code) => reject(new Error(`discard peer exited ${code}`)));
  });
  const socket = connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  await once(socket, 'connect');
  return {
    socket,
    stop: async () => {
      socket.destroy();
      peer.kill('SIGKILL');
      await once(peer, 'exit');
    },
  };
}

interface BenchServer {
  baseUrl: string;
  pid: number;
  lessonId: string;
  stop(): Promise<void>;
}

async function startServer(): Promise<BenchServer> {
  const profile = values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']] : [];
  const child = spawn(
    process.execPath,
    [...profile, '--import', 'tsx', fileURLToPath(new URL('./lib/bench-server.ts', import.meta.url))],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`bench server exited ${code}`)));
  });
  const info = JSON.parse(first) as { baseUrl: string; pid: number; lessonId: string };
  return {
    ...info,
    stop: async () => {
      child.stdin.end();
      await once(child, 'exit');
    },
  };
}

/** Linux's USER_HZ: /proc/PID/stat counts CPU time in these ticks per second (100 on every Linux ABI we run on). */
const CLOCK_TICKS_PER_S = 100;

/** One flood: wall time, and the CPU (ms) spent meanwhile by this process, the server, and the whole machine. */
interface FloodRun {
  ms: number;
  clientCpuMs: number; // this process: the raw reader, or the WebSocket client
  serverCpuMs: number; // the server process, all threads (0 for the raw baseline)
  machineBusy: number; // share of all cores busy (0..1), whoever used them
}

function procCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S; // utime + stime
}

function machineTicks(): { busy: number; total: number } {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const ticks = fields.map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  return { busy: total - ticks[3]! - ticks[4]!, total }; // idle and iowait are not busy
}

/**
 * CPU spent from now on. On this 2-core machine the cat, the server and the client share the cores: when the
 * machine is busy throughout, the ratio measures CPU per byte more than stepwise's latency.
 */
function cpuMeter(serverPid?: number): { read(): Omit<FloodRun, 'ms'> } {
  const client = process.cpuUsage();
  const server = serverPid === undefined ? 0 : procCpuMs(serverPid);
  const machine = machineTicks();
  return {
    read: () => {
      const c = process.cpuUsage(client);
      const m = machineTicks();
      return {
        clientCpuMs: (c.user + c.system) / 1000,
        serverCpuMs: serverPid === undefined ? 0 : procCpuMs(serverPid) - server,
        machineBusy: (m.busy - machine.busy) / Math.max(1, m.total - machine.total),
      };
    },
  };
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

async function throughput(server: BenchServer, file: string): Promise<FloodRun> {
  const c = await BenchClient.connect(server.baseUrl, server.lessonId);
  await c.sync();
  const start = c.bytes;
  const cpu = cpuMeter(server.pid);
  const started = performance.now();
  c.type(`cat '${file}'\r`);
  await c.waitFor((_t, bytes) => bytes - start >= expectedBytes, 300_000);
  const ms = performance.now() - started;
  const run = { ms, ...cpu.read() };
  c.close();
  return run;
}

async function echoLatencies(c: BenchClient, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 50 === 0) {
      c.type('\x15'); // Ctrl-U: keep the line short
      await new Promise((r) => setTimeout(r, 30));
    }
    const before = c.bytes;
    const t = performance.now();
    c.type('a');
    await c.waitFor((_tail, bytes) => bytes > before, 5_000);
    samples.push(performance.now() - t);
  }
  c.type('\x15');
  return samples;
}

async function ctrlC(server: BenchServer): Promise<{ bytesAfter: number; msToPrompt: number }> {
  // A slow client: every frame is acked 50 ms late, so the server's watermark, not the client, bounds the flood.
  const c = await BenchClient.connect(server.baseUrl, server.lessonId, { ackDelayMs: 50 });
  await c.sync();
  c.type('yes\r');
  await c.waitFor((_t, bytes) => bytes > 4 * FLOW_HIGH_WATERMARK, 30_000);
  const at = c.bytes;
  const t = performance.now();
  c.clearTail();
  c.type('\x03');
  await c.waitPrompt(30_000);
  const r = { bytesAfter: c.bytes - at, msToPrompt: performance.now() - t };
  c.close();
  return r;
}

async function manySessions(
  server: BenchServer,
): Promise<{ p99: number; rssPerSession: number; rssBefore: number; rssAfter: number }> {
  const rssBefore = rssOf(server.pid);
  const clients: BenchClient[] = [];
  for (let i = 0; i < sessionCount; i++) {
    const c = await BenchClient.connect(server.baseUrl, server.lessonId);
    await c.sync();
    clients.push(c);
  }
  const rssAfter = rssOf(server.pid);
  const samples: number[] = [];
  for (let round = 0; round < 10; round++) {
    const all = await Promise.all(clients.map((c) => echoLatencies(c, 5)));
    for (const s of all) samples.push(...s);
  }
  for (const c of clients) c.close();
  samples.sort((a, b) => a - b);
  return { p99: percentile(samples, 99), rssPerSession: (rssAfter - rssBefore) / sessionCount, rssBefore, rssAfter };
}

/** Throughput target: stepwise's rate over raw node-pty's, in the same run (DESIGN.md). */
const TARGET_THROUGHPUT_RATIO = 0.9;
/** Idle server RSS target (bytes): DESIGN.md's performance table. */
const TARGET_IDLE_RSS_BYTES = 60 * 1000 * 1000;
/** Settling time (ms) after the lesson's terminal reaches its prompt, before RSS is read. */
const IDLE_SETTLE_MS = 3000;
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** `stepwise serve` from the built bundle, one lesson open with its terminal at a prompt: the server's RSS. */
async function idleRss(work: string): Promise<number> {
  const lessons = join(work, 'idle-lessons');
  mkdirSync(join(lessons, 'bench'), { recursive: true });
  writeFileSync(
    join(lessons, 'bench', 'lesson.md'),
    '---\ntitle: Bench\nunlock: free\n---\n\n## Type\n\n```bash\necho ready\n```\n',
  );
  const child = spawn(process.execPath, [CLI, 'serve', lessons, '--port', '0', '--no-token', '--log-level', 'silent'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, XDG_STATE_HOME: join(work, 'idle-state') },
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const m = /(http:\/\/\S+)/.exec(line);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`stepwise serve exited ${code}`)));
    });
    const c = await BenchClient.connect(url, 'bench');
    await c.sync();
    await new Promise((r) => setTimeout(r, IDLE_SETTLE_MS));
    const rss = rssOf(child.pid!);
    c.close();
    return rss;
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}

const PARTS = ['throughput', 'echo', 'ctrlc', 'sessions', 'idle'] as const;
type Part = (typeof PARTS)[number];
const chosen = new Set(values.only.split(','));
for (const part of chosen) {
  if (!(PARTS as readonly string[]).includes(part))
    throw new Error(`--only: unknown part "${part}" (${PARTS.join(', ')})`);
}
const wants = (part: Part): boolean => chosen.has(part);
/** Each figure is printed as soon as it is measured. */
const report = (line: string): boolean => process.stdout.write(line + '\n');

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'stepwise-bench-terminal-'));
  const needsServer = wants('throughput') || wants('echo') || wants('ctrlc');
  const server = needsServer ? await startServer() : undefined;
  try {
    if (server && wants('throughput')) {
      const file = join(work, 'lines.txt');
      await writeLines(file);
      const mbps = (ms: number) => (expectedBytes / 1e6 / (ms / 1000)).toFixed(0);
      const rawRuns: FloodRun[] = [];
      const ceilingRuns: FloodRun[] = [];
      const viaRuns: FloodRun[] = [];
      const peer = await startDiscardPeer();
      try {
        for (let i = 0; i < rounds; i++) {
          rawRuns.push(await rawPty(file));
          ceilingRuns.push(await rawPty(file, peer.socket));
          viaRuns.push(await throughput(server, file));
        }
      } finally {
        await peer.stop();
      }
      const raws = rawRuns.map((r) => r.ms);
      const vias = viaRuns.map((r) => r.ms);
      const rawMs = Math.min(...raws);
      const viaMs = Math.min(...vias);
      const ceilingMs = Math.min(...ceilingRuns.map((r) => r.ms));
      const bestRaw = rawRuns[raws.indexOf(rawMs)]!;
      const bestVia = viaRuns[vias.indexOf(viaMs)]!;
      const s = (ms: number) => (ms / 1000).toFixed(2);
      const pct = (share: number) => `${(share * 100).toFixed(0)}%`;
      const ratio = rawMs / viaMs;
      const spread = (all: number[]) => `${mbps(Math.max(...all))}-${mbps(Math.min(...all))} MB/s`;
      report(
        `terminal throughput, ${(expectedBytes / 1e6).toFixed(0)} MB of 100-char lines, best of ${rounds} (all runs):\n` +
          `  raw pty ${(rawMs / 1000).toFixed(2)} s (${mbps(rawMs)} MB/s; ${spread(raws)}); pty → ws → client ${(viaMs / 1000).toFixed(2)} s (${mbps(viaMs)} MB/s; ${spread(vias)}) → ${ratio.toFixed(2)}× (target ≥ ${TARGET_THROUGHPUT_RATIO}×: ${verdict(ratio >= TARGET_THROUGHPUT_RATIO)})\n` +
          `  ceiling: the raw reader also writing each 64 KiB to a TCP peer from its one thread, no protocol: ${s(ceilingMs)} s → ${(rawMs / ceilingMs).toFixed(2)}× raw (what a one-threaded server can reach on this machine)\n` +
          `  CPU of those best runs: raw reader ${s(bestRaw.clientCpuMs)} s, machine ${pct(bestRaw.machineBusy)} busy; server ${s(bestVia.serverCpuMs)} s + client ${s(bestVia.clientCpuMs)} s, machine ${pct(bestVia.machineBusy)} busy`,
      );
    }
    if (server && wants('echo')) {
      const echoClient = await BenchClient.connect(server.baseUrl, server.lessonId);
      await echoClient.sync();
      const echo = (await echoLatencies(echoClient, keys)).sort((a, b) => a - b);
      echoClient.close();
      report(
        `keystroke echo (${keys} keys): p50 ${percentile(echo, 50).toFixed(2)} ms, p99 ${percentile(echo, 99).toFixed(2)} ms (target p99 < 5 ms: ${verdict(percentile(echo, 99) < 5)})`,
      );
    }
    if (server && wants('ctrlc')) {
      const flood = await ctrlC(server);
      const floodBound = FLOW_HIGH_WATERMARK + BATCH_MAX_BYTES;
      report(
        `Ctrl-C in a yes flood, client acking 50 ms late: ${flood.bytesAfter} bytes after Ctrl-C (bound ${floodBound}: ${verdict(flood.bytesAfter <= floodBound)}), prompt back in ${flood.msToPrompt.toFixed(0)} ms`,
      );
    }
    if (wants('idle')) {
      const idle = await idleRss(work);
      report(
        `idle server (stepwise serve, one lesson open at a prompt): RSS ${mib(idle)} (target < ${TARGET_IDLE_RSS_BYTES / 1e6} MB: ${verdict(idle < TARGET_IDLE_RSS_BYTES)})`,
      );
    }
    if (wants('sessions')) {
      // A fresh server: after the floods above its heap has room to spare, which would hide what sessions cost.
      const fresh = await startServer();
      const many = await manySessions(fresh).finally(() => fresh.stop());
      report(
        `${sessionCount} concurrent sessions: echo p99 ${many.p99.toFixed(2)} ms (target < 50 ms: ${verdict(many.p99 < 50)}); server RSS ${mib(many.rssBefore)} → ${mib(many.rssAfter)}, ${mib(many.rssPerSession)} per session (target < 10 MB: ${verdict(many.rssPerSession < 10 * 1024 * 1024)})`,
      );
    }
  } finally {
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
