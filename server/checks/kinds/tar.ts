// `tar: PATH-or-GLOB` with has, count, compressed. The tar streams out of the environment (backend.readTar)
// straight into the core library's listTar: nothing is copied to disk.
import picomatch from 'picomatch';
import type { CheckSpec } from '../../lesson/index.ts';
import { isCoreError, listTar, type LayerEntry } from '../../core/index.ts';
import type { CheckContext, CheckOutcome } from '../types.ts';
import { readFields } from '../fields.ts';
import type { TarCheck } from '../../lesson/index.ts';
import { expandTarget } from '../../environment/index.ts';
import { withEnvEntry } from '../../environment/index.ts';
import { describeCoreError } from '../core-words.ts';
import { describeRange, inRange, listSome, plural, quote } from '../text.ts';
import { Verdict, type Finding } from '../verdict.ts';
import { anyMatch } from './glob-verdict.ts';

/** An author's entry name as tar lists it ("./notes/a.txt", "notes/") → the core's form without the leading '/'. */
function entryName(name: string): string {
  return name.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
}

/** True when some entry is `name` (a directory may be named with or without its '/'), or matches it as a glob. */
export function tarHas(paths: readonly string[], name: string): boolean {
  const want = entryName(name);
  const scan = picomatch.scan(want);
  if (scan.isGlob) {
    const isMatch = picomatch(want, { dot: true });
    return paths.some((p) => isMatch(p.replace(/\/$/, '')));
  }
  const bare = want.replace(/\/+$/, '');
  return paths.some((p) => p === bare || p === `${bare}/`);
}

function assess(path: string, entries: LayerEntry[], compression: string, f: TarCheck): Finding[] {
  const names = entries.map((e) => e.path.replace(/^\//, ''));
  const findings: Finding[] = [
    {
      phrase: 'is a tar archive',
      ok: true,
      problem: '',
      fact: `${path} is a tar archive with ${plural(entries.length, 'entry', 'entries')}`,
    },
  ];
  for (const name of f.has ?? []) {
    findings.push({
      phrase: `holds ${quote(name)}`,
      ok: tarHas(names, name),
      problem: `${path} does not hold ${quote(name)}; it holds ${listSome(names)}`,
    });
  }
  if (f.count !== undefined) {
    findings.push({
      phrase: `has ${describeRange(f.count, 'entry', 'entries')}`,
      ok: inRange(entries.length, f.count),
      problem: `${path} has ${plural(entries.length, 'entry', 'entries')}`,
    });
  }
  if (f.compressed !== undefined) {
    const want = f.compressed;
    const ok = want === true ? compression !== 'none' : want === false ? compression === 'none' : compression === want;
    const phrase = want === true ? 'is compressed' : want === false ? 'is not compressed' : `is ${want}-compressed`;
    findings.push({
      phrase,
      ok,
      problem: compression === 'none' ? `${path} is not compressed` : `${path} is ${compression}-compressed`,
    });
  }
  return findings;
}

async function examine(ctx: CheckContext, path: string, f: TarCheck): Promise<Finding[] | null> {
  return withEnvEntry(ctx.environment, path, true, async (entry, content) => {
    if (entry.kind !== 'file') {
      return [
        {
          phrase: 'is a tar archive',
          ok: false,
          problem: `${path} is ${entry.kind === 'dir' ? 'a directory' : 'not a regular file'}, not a tar archive`,
        },
      ];
    }
    try {
      const listed = await listTar(content, { label: path });
      return assess(path, listed.entries, listed.compression, f);
    } catch (e: unknown) {
      if (!isCoreError(e)) throw e;
      const problem = e.code === 'NOT_AN_ARCHIVE' ? `${path} is not a tar archive` : describeCoreError(path, e);
      return [{ phrase: 'is a tar archive', ok: false, problem }];
    }
  });
}

export async function evaluateTar(spec: CheckSpec, ctx: CheckContext): Promise<CheckOutcome> {
  const verdict = new Verdict(spec, spec.target);
  const fields = readFields(spec, 'tar');
  if (!fields.ok) return verdict.stop('is a valid check', fields.problem);
  const expansion = await expandTarget(ctx.environment, spec.target);
  if (expansion.glob) return anyMatch(verdict, spec.target, expansion, (path) => examine(ctx, path, fields.value));
  const path = expansion.paths[0] ?? spec.target;
  const findings = await examine(ctx, path, fields.value);
  if (findings === null) return verdict.stop('exists', `${path} does not exist`);
  return verdict.add(...findings).outcome();
}
