// Real Chromium (Debian's /usr/bin/chromium through playwright-core) against a real stepwise server on port 0
// that serves a fresh build of the browser app. Each browser gets its own throwaway profile; each server its own
// state folder, so progress never leaks between tests or into the user's $XDG_STATE_HOME.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createServer, type RunningServer, type ServerOptions } from '../../server/http/server.ts';
import { REPO_ROOT } from './cli.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';
/** Headless, offline and quiet: no sandbox (we run as root in a container), no GPU, no phoning home. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** A laptop-sized window, the size a teacher would demo at. */
export const VIEWPORT = { width: 1440, height: 900 };
/** Where screenshots go (gitignored). */
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test', 'artifacts');
/** Building the client bundle takes a second or two; more means something is wrong. */
const BUILD_TIMEOUT_MS = 120_000;

const run = promisify(execFile);

let builtClient: Promise<string> | null = null;

/** Builds the browser app from the current sources into a temp folder, once per test process. */
export function buildClient(): Promise<string> {
  builtClient ??= (async () => {
    const out = await mkdtemp(join(tmpdir(), 'stepwise-client-'));
    process.once('exit', () => rmSync(out, { recursive: true, force: true })); // the build outlives every server of this process
    await run(process.execPath, ['build.mjs', '--client-out', out], { cwd: REPO_ROOT, timeout: BUILD_TIMEOUT_MS });
    if (!existsSync(join(out, 'app.js'))) throw new Error(`building the browser app wrote no ${out}/app.js`);
    return `${out}/`;
  })();
  return builtClient;
}

export interface Stepwise {
  server: RunningServer;
  stateDir: string;
  close(): Promise<void>;
}

/**
 * Starts a server on port 0 over `root` with a fresh client build. Pass `stateDir` to start a second server
 * over the same progress (a "restart"); the caller then owns that folder.
 */
export async function startStepwise(opts: Omit<ServerOptions, 'clientDir'> & { stateDir?: string }): Promise<Stepwise> {
  const clientDir = await buildClient();
  const ownState = opts.stateDir === undefined;
  const stateDir = opts.stateDir ?? (await mkdtemp(join(tmpdir(), 'stepwise-state-')));
  const server = await createServer({ ...opts, stateDir, clientDir });
  return {
    server,
    stateDir,
    close: async () => {
      await server.close();
      if (ownState) await rm(stateDir, { recursive: true, force: true });
    },
  };
}

export interface Browser {
  context: BrowserContext;
  /** Errors the pages logged or threw: a test asserts this stays empty. */
  errors: string[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export interface BrowserOptions {
  colorScheme?: 'light' | 'dark';
  /** Ignore the page's CSP, to prove the sanitiser alone stops hostile lesson HTML. */
  bypassCSP?: boolean;
}

export async function launchBrowser(opts: BrowserOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH} (Debian package chromium)`);
  const profile = await mkdtemp(join(tmpdir(), 'stepwise-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: VIEWPORT,
    colorScheme: opts.colorScheme ?? 'light',
    bypassCSP: opts.bypassCSP ?? false,
    reducedMotion: 'reduce',
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const errors: string[] = [];
  const watch = (page: Page) => {
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
  };
  context.on('page', watch);
  return {
    context,
    errors,
    newPage: () => context.newPage(),
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a screenshot to test/artifacts/NAME.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  // Let a change made just before (a theme switch, say) reach the screen: two frames, then settle.
  await page.evaluate(
    () => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))),
  );
  await page.screenshot({ path, animations: 'disabled' });
  return path;
}

/** The visible text of terminal T`n` (1-based), row by row, as xterm's DOM renderer draws it. */
export async function terminalText(page: Page, n = 1): Promise<string> {
  return page.locator(`#panel-t${n} .xterm-rows`).innerText();
}

/** Waits until terminal T`n` shows `pattern`. */
export async function waitForTerminal(page: Page, pattern: RegExp, n = 1, timeoutMs = 30_000): Promise<string> {
  const started = Date.now();
  for (;;) {
    const text = await terminalText(page, n);
    if (pattern.test(text)) return text;
    if (Date.now() - started > timeoutMs)
      throw new Error(`T${n} never showed ${pattern} within ${timeoutMs} ms; it shows:\n${text}`);
    await page.waitForTimeout(100);
  }
}

/** How long a cell run or a check may take: real shells on a noisy machine, so generous. */
export const STEP_TIMEOUT_MS = 30_000;

/** Block cell `n` (1-based) of the lesson page shown. */
export function cellAt(page: Page, n: number) {
  return page.locator('.page .cell').nth(n - 1);
}

/** Clicks Run on block cell `n` and waits for its exit code to show. */
export async function runCell(page: Page, n: number): Promise<void> {
  await cellAt(page, n).getByRole('button', { name: /^Run/ }).click();
  await cellAt(page, n).locator('.cell-exit').waitFor({ timeout: STEP_TIMEOUT_MS });
}

/** Types a line into terminal T1 as a learner does: click the terminal, then keys. */
export async function typeInTerminal(page: Page, line: string): Promise<void> {
  await page.locator('#panel-t1 .xterm').click();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}
