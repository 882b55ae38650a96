// `image: PATH | DIR | docker://REF` with format, tags, layers, files, file, config, verified. The core library
// reads the image: an archive streams out of the environment (backend.readTar) into inspectStream; an OCI
// layout folder is copied to a private temp dir first (the core reads a folder by path); docker://REF is
// exported from the engine the learner's shell uses (backend.engine). `file:` is the core's wantFiles, read in
// the same pass for every kind of source (a second pass only when the file is a link).
import type Docker from 'dockerode';
import type { CheckSpec } from '../../lesson/index.ts';
import {
  dockerEngineSource,
  inspect,
  inspectStream,
  isCoreError,
  DOCKER_SCHEME,
  type ByteSource,
  type Image,
  type InspectOptions,
  type InspectResult,
} from '../../core/index.ts';
import type { CheckContext, CheckOutcome } from '../types.ts';
import { readFields } from '../fields.ts';
import type { ImageCheck } from '../../lesson/index.ts';
import { expandTarget } from '../../environment/index.ts';
import { envFileContent, readEnvEntry, withEnvEntry } from '../../environment/index.ts';
import { materialize, withTempArea } from '../../environment/index.ts';
import { describeCoreError } from '../core-words.ts';
import { MAX_CONTENT_BYTES } from '../limits.ts';
import { describeRange, inRange, listSome, matchText, plural, quote } from '../text.ts';
import { Verdict, type Finding } from '../verdict.ts';
import { anyMatch } from './glob-verdict.ts';

type Fields = ImageCheck;
type ImageFileField = NonNullable<Fields['file']>;

/** What the core reads besides the image's facts: the `file:` path's content, judged on its first MAX_CONTENT_BYTES. */
function readOptions(f: Fields): InspectOptions {
  return f.file === undefined ? {} : { wantFiles: [f.file.path], limits: { maxFileContentBytes: MAX_CONTENT_BYTES } };
}

function show(value: unknown): string {
  return JSON.stringify(value);
}

function pickImage(result: InspectResult, f: Fields): Image | undefined {
  const want = f.tags ?? [];
  return result.images.find((img) => want.every((t) => img.tags.includes(t))) ?? result.images[0];
}

function configFindings(name: string, img: Image, want: NonNullable<Fields['config']>): Finding[] {
  const c = img.config;
  const out: Finding[] = [];
  const exact = (key: 'Cmd' | 'Entrypoint', v: string[] | undefined) => {
    if (v === undefined) return;
    const seen = c[key];
    out.push({
      phrase: `has ${key} ${show(v)}`,
      ok: show(seen ?? []) === show(v),
      problem: seen ? `${name} has ${key} ${show(seen)}` : `${name} has no ${key}`,
    });
  };
  exact('Cmd', want.Cmd);
  exact('Entrypoint', want.Entrypoint);
  const scalar = (key: 'WorkingDir' | 'User', v: string | undefined) => {
    if (v === undefined) return;
    const seen = c[key] ?? '';
    out.push({
      phrase: `has ${key} ${quote(v)}`,
      ok: seen === v,
      problem: seen ? `${name} has ${key} ${quote(seen)}` : `${name} sets no ${key}`,
    });
  };
  scalar('WorkingDir', want.WorkingDir);
  scalar('User', want.User);
  const member = (key: 'Env' | 'ExposedPorts', items: string[] | undefined, noun: string) => {
    for (const item of items ?? []) {
      const seen = c[key] ?? [];
      out.push({
        phrase: `${noun} ${quote(item)}`,
        ok: seen.includes(item),
        problem: `${name} does not ${noun} ${quote(item)}; its ${key} is ${seen.length ? listSome(seen) : 'empty'}`,
      });
    }
  };
  member('Env', want.Env, 'set');
  member('ExposedPorts', want.ExposedPorts, 'expose');
  for (const [k, v] of Object.entries(want.Labels ?? {})) {
    const seen = c.Labels?.[k];
    out.push({
      phrase: `has label ${k}=${quote(v)}`,
      ok: seen === v,
      problem: seen === undefined ? `${name} has no label ${k}` : `${name} has label ${k}=${quote(seen)}`,
    });
  }
  return out;
}

function fileFindings(name: string, img: Image, want: ImageFileField): Finding[] {
  const abs = `/${want.path.replace(/^\/+/, '')}`;
  const where = `${abs} in ${name}`;
  const file = img.files?.[0]; // the one path asked for
  const present = file?.found === true;
  if (want.exists === false)
    return [{ phrase: `has no ${abs}`, ok: !present, problem: `${name} has ${abs}`, fact: `${name} has no ${abs}` }];
  const out: Finding[] = [
    {
      phrase: `has ${abs}`,
      ok: present,
      problem: `${name} has no ${abs} (it holds ${plural(img.fileCount, 'file')})`,
      fact: `${name} has ${abs}`,
    },
  ];
  if (!file || !present || (want.contains === undefined && want.matches === undefined)) return out;
  if (file.content === undefined) {
    out.push({
      phrase: `has a regular file ${abs}`,
      ok: false,
      problem: `${where} is not a readable regular file: ${file.noContent ?? 'it has no content'}`,
    });
    return out;
  }
  const what = file.truncated ? `the first ${file.content.length} bytes of ${where}` : where;
  return [...out, ...matchText(file.content.toString('utf8'), want, what)];
}

/** What the inspected image says against the check's fields. */
function assess(name: string, result: InspectResult, f: Fields): Finding[] {
  const out: Finding[] = [];
  if (f.format !== undefined) {
    out.push({
      phrase: `is a ${f.format}`,
      ok: result.format === f.format,
      problem: formatProblem(name, result),
      fact: `${name} is a ${result.format}`,
    });
  }
  if (result.format === 'tar') {
    if (f.format === undefined) out.push({ phrase: 'is an image', ok: false, problem: formatProblem(name, result) });
    return out;
  }
  const img = pickImage(result, f);
  if (img === undefined) return [...out, { phrase: 'is an image', ok: false, problem: `${name} holds no image` }];
  if (f.format === undefined)
    out.push({ phrase: 'is an image', ok: true, problem: '', fact: `${name} is a ${result.format}` });
  if (f.tags !== undefined) {
    const seen = result.images.flatMap((i) => i.tags);
    const ok = f.tags.every((t) => img.tags.includes(t));
    out.push({
      phrase: `is tagged ${f.tags.join(', ')}`,
      ok,
      problem: seen.length ? `${name} is tagged ${listSome(seen)}` : `${name} has no tag`,
      fact: `tagged ${img.tags.join(', ')}`,
    });
  }
  if (f.layers !== undefined) {
    out.push({
      phrase: `has ${describeRange(f.layers, 'layer')}`,
      ok: inRange(img.layers.length, f.layers),
      problem: `${name} has ${plural(img.layers.length, 'layer')}`,
    });
  }
  if (f.files !== undefined) {
    out.push({
      phrase: `holds ${describeRange(f.files, 'file')}`,
      ok: inRange(img.fileCount, f.files),
      problem: `${name} holds ${plural(img.fileCount, 'file')}`,
    });
  }
  if (f.file !== undefined) out.push(...fileFindings(name, img, f.file));
  if (f.config !== undefined) out.push(...configFindings(name, img, f.config));
  if (f.verified === true) {
    out.push({
      phrase: 'has every digest matching',
      ok: result.verified,
      problem: `${name} has a layer or config whose digest does not match`,
    });
  }
  return out;
}

function formatProblem(name: string, result: InspectResult): string {
  return result.format === 'tar'
    ? `${name} is not an image archive: no manifest.json or index.json inside`
    : `${name} is a ${result.format}`;
}

/** The core could not read it at all: the check's first expectation fails with the reason. */
function coreProblem(name: string, e: unknown, f: Fields): Finding[] {
  if (!isCoreError(e)) throw e;
  const problem =
    e.code === 'NOT_AN_ARCHIVE'
      ? `${name} is not an image archive: it is not a tar file at all`
      : describeCoreError(name, e);
  return [{ phrase: f.format === undefined ? 'is an image' : `is a ${f.format}`, ok: false, problem }];
}

async function examineEngineImage(docker: Docker, ref: string, f: Fields): Promise<Finding[]> {
  const name = `the image ${ref}`;
  let result: InspectResult;
  try {
    result = await inspect(`${DOCKER_SCHEME}${ref}`, { engine: dockerEngineSource(docker), ...readOptions(f) });
  } catch (e: unknown) {
    if (isCoreError(e) && e.code === 'SOURCE_NOT_FOUND')
      return [{ phrase: 'is in the Docker engine', ok: false, problem: `the Docker engine has no image ${ref}` }];
    return coreProblem(name, e, f);
  }
  return assess(name, result, f);
}

async function examinePath(ctx: CheckContext, path: string, f: Fields): Promise<Finding[] | null> {
  const head = await readEnvEntry(ctx.environment, path, { maxBytes: 0, follow: true });
  if (head === null) return null;
  if (head.entry.kind === 'dir') {
    return withTempArea(async (area) => {
      const copy = await materialize(ctx.environment, path, area);
      if (copy === null) return [{ phrase: 'exists', ok: false, problem: `${path} does not exist` }];
      try {
        return assess(path, await inspect(copy.hostPath, readOptions(f)), f);
      } catch (e: unknown) {
        return coreProblem(path, e, f);
      }
    });
  }
  return withEnvEntry(ctx.environment, path, true, async (entry, content) => {
    if (entry.kind !== 'file')
      return [
        { phrase: 'is an image', ok: false, problem: `${path} is neither an image archive nor an OCI layout folder` },
      ];
    // The first read takes the stream already open; a second (a wanted file that is a link) opens the file again.
    let opened: ByteSource | null = content;
    const open = async (): Promise<ByteSource> => {
      const stream = opened ?? envFileContent(ctx.environment, entry.path);
      opened = null;
      return stream;
    };
    try {
      return assess(path, await inspectStream(open, path, readOptions(f)), f);
    } catch (e: unknown) {
      return coreProblem(path, e, f);
    }
  });
}

export async function evaluateImage(spec: CheckSpec, ctx: CheckContext): Promise<CheckOutcome> {
  const verdict = new Verdict(spec, spec.target);
  const fields = readFields(spec, 'image');
  if (!fields.ok) return verdict.stop('is a valid check', fields.problem);
  const f = fields.value;
  if (spec.target.startsWith(DOCKER_SCHEME)) {
    const ref = spec.target.slice(DOCKER_SCHEME.length);
    verdict.setSubject(`the image ${ref}`);
    const docker = ctx.environment.engine();
    if (docker === null)
      return verdict.stop('is in the Docker engine', 'this environment has no Docker engine to look in');
    verdict.openable(spec.target);
    return verdict.add(...(await examineEngineImage(docker, ref, f))).outcome();
  }
  const expansion = await expandTarget(ctx.environment, spec.target);
  if (expansion.glob) return anyMatch(verdict, spec.target, expansion, (path) => examinePath(ctx, path, f));
  const path = expansion.paths[0] ?? spec.target;
  const findings = await examinePath(ctx, path, f);
  if (findings === null) return verdict.stop('exists', `${path} does not exist`);
  verdict.openable(path);
  return verdict.add(...findings).outcome();
}
