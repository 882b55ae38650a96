// `file: PATH-or-GLOB` with exists/absent, contains, matches, mode, type. Reads through backend.readTar.
import type { CheckSpec } from '../../lesson/index.ts';
import type { CheckContext, CheckOutcome } from '../types.ts';
import { readFields } from '../fields.ts';
import type { FileCheck } from '../../lesson/index.ts';
import { expandTarget } from '../../environment/index.ts';
import { readEnvEntry, type EnvEntryKind } from '../../environment/index.ts';
import { MAX_CONTENT_BYTES } from '../limits.ts';
import { matchText } from '../text.ts';
import { Verdict, type Finding } from '../verdict.ts';
import { anyMatch } from './glob-verdict.ts';

const KIND_WORDS: Record<EnvEntryKind, string> = {
  file: 'a regular file',
  dir: 'a directory',
  symlink: 'a symlink',
  hardlink: 'a hard link',
  other: 'a special file (device or pipe)',
};

/** "0644" for 0o644: how authors write modes. */
export function modeString(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

/** The findings for one existing-or-not path; null when it does not exist. */
async function examine(ctx: CheckContext, path: string, f: FileCheck): Promise<Finding[] | null> {
  const needContent = f.contains !== undefined || f.matches !== undefined;
  const want: EnvEntryKind | undefined = f.type;
  const read = await readEnvEntry(ctx.environment, path, {
    maxBytes: needContent ? MAX_CONTENT_BYTES : 0,
    follow: want !== 'symlink',
  });
  if (read === null) return null;
  const { entry } = read;
  const findings: Finding[] = [{ phrase: 'exists', ok: true, problem: '', fact: `${path} exists` }];
  if (want !== undefined) {
    findings.push({
      phrase: `is ${KIND_WORDS[want]}`,
      ok: entry.kind === want,
      problem: `${path} is ${KIND_WORDS[entry.kind]}`,
    });
  }
  if (f.mode !== undefined) {
    const wanted = parseInt(f.mode, 8);
    findings.push({
      phrase: `has mode ${modeString(wanted)}`,
      ok: entry.mode === wanted,
      problem: `${path} has mode ${modeString(entry.mode)}`,
    });
  }
  if (needContent) {
    if (read.content === undefined) {
      findings.push({
        phrase: 'has content to read',
        ok: false,
        problem: `${path} is ${KIND_WORDS[entry.kind]}, which has no content to read`,
      });
    } else {
      const text = read.content.toString('utf8');
      const what = read.truncated ? `the first ${MAX_CONTENT_BYTES} bytes of ${path}` : path;
      findings.push(...matchText(text, f, what));
    }
  }
  return findings;
}

export async function evaluateFile(spec: CheckSpec, ctx: CheckContext): Promise<CheckOutcome> {
  const verdict = new Verdict(spec, spec.target);
  const fields = readFields(spec, 'file');
  if (!fields.ok) return verdict.stop('is a valid check', fields.problem);
  const f = fields.value;
  const wantAbsent = f.absent === true || f.exists === false;
  const expansion = await expandTarget(ctx.environment, spec.target);

  if (!expansion.glob) {
    const path = expansion.paths[0] ?? spec.target;
    const findings = await examine(ctx, path, wantAbsent ? { file: f.file } : f);
    if (wantAbsent) {
      verdict.expect('does not exist', findings === null, `${path} exists`, `${path} does not exist`);
      return verdict.outcome();
    }
    if (findings === null) return verdict.stop('exists', `${path} does not exist`);
    return verdict.add(...findings).outcome();
  }

  if (wantAbsent) {
    verdict.setSubject('no path');
    const n = expansion.paths.length;
    verdict.expect(
      `matches ${spec.target}`,
      n === 0,
      `${n === 1 ? 'one path matches' : `${n} paths match`} ${spec.target}: ${expansion.paths.slice(0, 5).join(', ')}`,
      `nothing matches ${spec.target}`,
    );
    return verdict.outcome();
  }
  return anyMatch(verdict, spec.target, expansion, (path) => examine(ctx, path, f));
}
