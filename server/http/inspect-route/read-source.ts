// Inspects what the learner names, in the learner's environment: a `docker://REF` in the engine their shell
// uses (backend.engine), or a path read through backend.readTar, so a container environment works like a
// local folder. An archive streams straight into the core library; an OCI layout folder is copied to a
// private temp dir first, because the core reads a folder by path. The same way the `image:` check reads.
import { DOCKER_SCHEME, dockerEngineSource, inspect, inspectStream, type InspectOptions, type InspectResult } from '../../core/index.ts';
import type { CheckContext } from '../../checks/types.ts';
import { readEnvEntry, withEnvEntry } from '../../checks/env-tar.ts';
import { materialize, withTempArea } from '../../checks/materialize.ts';

export class InspectSourceError extends Error {
  override readonly name = 'InspectSourceError';
  constructor(
    readonly code: 'SOURCE_NOT_FOUND' | 'NO_ENGINE' | 'NOT_AN_IMAGE',
    message: string,
  ) {
    super(message);
  }
}

export async function inspectInEnvironment(ctx: CheckContext, source: string, opts: InspectOptions): Promise<InspectResult> {
  if (source.startsWith(DOCKER_SCHEME)) {
    const docker = ctx.backend.engine(ctx.env);
    if (docker === null) throw new InspectSourceError('NO_ENGINE', `this environment has no Docker engine to read ${source} from`);
    return inspect(source, { ...opts, engine: dockerEngineSource(docker) });
  }
  const head = await readEnvEntry(ctx, source, { maxBytes: 0, follow: true });
  if (head === null) throw new InspectSourceError('SOURCE_NOT_FOUND', `${source} does not exist in your working directory`);
  if (head.entry.kind === 'dir') {
    return withTempArea(async (area) => {
      const copy = await materialize(ctx, source, area);
      if (copy === null) throw new InspectSourceError('SOURCE_NOT_FOUND', `${source} disappeared while it was read`);
      return inspect(copy.hostPath, opts).then((r) => ({ ...r, source }));
    });
  }
  const result = await withEnvEntry(ctx, source, true, async (entry, content) => {
    if (entry.kind !== 'file') throw new InspectSourceError('NOT_AN_IMAGE', `${source} is neither an image archive nor an OCI layout folder`);
    return inspectStream(content, source, opts);
  });
  if (result === null) throw new InspectSourceError('SOURCE_NOT_FOUND', `${source} disappeared while it was read`);
  return result;
}
