// Helpers for the `stepwise check` tests: lessons written into temp folders, a strict XML reader (saxes, which
// rejects anything that is not well-formed XML 1.0) and a TAP 13 grammar check.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SaxesParser } from 'saxes';
import { parse as parseYaml } from 'yaml';

export async function scratchDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `stepwise-${prefix}-`));
}

/** Writes `files` (path → content; a leading "+x " on the content makes it executable) under `dir`. */
export async function writeLesson(dir: string, files: Record<string, string>): Promise<string> {
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    await mkdir(dirname(path), { recursive: true });
    const executable = content.startsWith('+x ');
    await writeFile(path, executable ? content.slice(3) : content, { mode: executable ? 0o755 : 0o644 });
  }
  return dir;
}

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  text: string;
  children: XmlElement[];
}

/** Parses strictly; throws on any well-formedness error (bad escaping, forbidden control characters, ...). */
export function parseXml(xml: string): XmlElement {
  const parser = new SaxesParser();
  const root: XmlElement = { name: '#document', attributes: {}, text: '', children: [] };
  const stack: XmlElement[] = [root];
  parser.on('error', (e) => {
    throw e;
  });
  parser.on('opentag', (tag) => {
    const el: XmlElement = {
      name: tag.name,
      attributes: { ...tag.attributes } as Record<string, string>,
      text: '',
      children: [],
    };
    stack[stack.length - 1]?.children.push(el);
    stack.push(el);
  });
  parser.on('text', (t) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.write(xml).close();
  const [doc] = root.children;
  assert.ok(doc, 'the XML has a root element');
  return doc;
}

export function findAll(el: XmlElement, name: string): XmlElement[] {
  return el.children.flatMap((c) => [...(c.name === name ? [c] : []), ...findAll(c, name)]);
}

export interface TapPoint {
  ok: boolean;
  n: number;
  description: string;
  directive?: string;
  diagnostics?: unknown;
}

/**
 * Checks TAP version 13's grammar line by line: the version line first, test points numbered 1..N in order,
 * YAML diagnostic blocks ("  ---" … "  ...") that parse as YAML and follow a test point, and exactly one plan
 * 1..N (first or last) matching the count. Returns the test points.
 */
export function parseTap(text: string): TapPoint[] {
  const lines = text.replace(/\n$/, '').split('\n');
  assert.equal(lines[0], 'TAP version 13', 'TAP 13 starts with its version line');
  const points: TapPoint[] = [];
  let plan: number | null = null;
  let planLine = -1;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const point = /^(not ok|ok) (\d+)(?: - ((?:[^#\\]|\\.)*?))?(?:\s*# (SKIP|TODO)\S*(?: (.*))?)?$/.exec(line);
    const planMatch = /^1\.\.(\d+)$/.exec(line);
    if (point) {
      const n = Number(point[2]);
      assert.equal(n, points.length + 1, `test points are numbered in order (line ${i + 1}: ${line})`);
      const p: TapPoint = { ok: point[1] === 'ok', n, description: point[3] ?? '' };
      if (point[4]) p.directive = point[4];
      points.push(p);
    } else if (planMatch) {
      assert.equal(plan, null, 'one plan only');
      plan = Number(planMatch[1]);
      planLine = i;
    } else if (line === '  ---') {
      const last = points[points.length - 1];
      assert.ok(
        last !== undefined && /^(not )?ok /.test(lines[i - 1] ?? ''),
        `a YAML block follows its test point (line ${i + 1})`,
      );
      const end = lines.indexOf('  ...', i + 1);
      assert.ok(end > i, `the YAML block at line ${i + 1} is closed by "  ..."`);
      const body = lines.slice(i + 1, end);
      for (const l of body)
        assert.ok(l.startsWith('  ') || l === '', `YAML lines are indented (line: ${JSON.stringify(l)})`);
      last.diagnostics = parseYaml(body.map((l) => l.slice(2)).join('\n'));
      i = end;
    } else if (!line.startsWith('#') && line.trim() !== '') {
      assert.fail(`line ${i + 1} is not TAP 13: ${JSON.stringify(line)}`);
    }
  }
  assert.notEqual(plan, null, 'TAP has a plan');
  assert.ok(planLine === 1 || planLine === lines.length - 1, 'the plan is the first or the last line');
  assert.equal(plan, points.length, 'the plan counts the test points');
  return points;
}

/** The last non-empty line of `text`. */
export function lastLine(text: string): string {
  return text.trimEnd().split('\n').pop() ?? '';
}

/** Session folders left in a local backend's state dir: there should be none after a run. */
export async function leftoverSessions(stateHome: string): Promise<string[]> {
  try {
    return await readdir(join(stateHome, 'stepwise', 'sessions'));
  } catch (e: unknown) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** Pids whose command line contains `marker`: proves a test's processes are gone. */
export async function processesWith(marker: string): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let cmdline: string;
    try {
      cmdline = (await readFile(`/proc/${name}/cmdline`)).toString('utf8').replace(/\0/g, ' ');
    } catch (e: unknown) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ESRCH' || code === 'EACCES') continue; // exited while we looked
      throw e;
    }
    if (cmdline.includes(marker)) pids.push(Number(name));
  }
  return pids;
}
