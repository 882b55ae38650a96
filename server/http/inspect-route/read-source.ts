// Inspects what the learner names, in the learner's environment: a `docker://REF` in the engine their shell
// uses (Environment.engine), or a path read through Environment.readTar, so a container environment works like a
// local folder. An archive streams straight into the core library; an OCI layout folder is copied to a
// private temp dir first, because the core reads a folder by path. The same way the `image:` check reads.
import {
  DOCKER_SCHEME,
  dockerEngineSource,
  inspect,
  inspectStream,
  type InspectOptions,
  type InspectResult,
} from '../../core/index.ts';
import { CodedError } from '../../protocol/index.ts';
import { materialize, readEnvEntry, withEnvEntry, withTempArea, type Environment } from '../../environment/index.ts';

export class InspectSourceError extends CodedError<'SOURCE_NOT_FOUND' | 'NO_ENGINE' | 'NOT_AN_IMAGE'> {}

export async function inspectInEnvironment(
  env: Environment,
  source: string,
  opts: InspectOptions,
): Promise<InspectResult> {
  if (source.startsWith(DOCKER_SCHEME)) {
    const docker = env.engine();
    if (docker === null)
      throw new InspectSourceError('NO_ENGINE', `this environment has no Docker engine to read ${source} from`);
    return inspect(source, { ...opts, engine: dockerEngineSource(docker) });
  }
  const head = await readEnvEntry(env, source, { maxBytes: 0, follow: true });
  if (head === null)
    throw new InspectSourceError('SOURCE_NOT_FOUND', `${source} does not exist in your working directory`);
  if (head.entry.kind === 'dir') {
    return withTempArea(async (area) => {
      const copy = await materialize(env, source, area);
      if (copy === null) throw new InspectSourceError('SOURCE_NOT_FOUND', `${source} disappeared while it was read`);
      return inspect(copy.hostPath, opts).then((r) => ({ ...r, source }));
    });
  }
  const result = await withEnvEntry(env, source, true, async (entry, content) => {
    if (entry.kind !== 'file')
      throw new InspectSourceError('NOT_AN_IMAGE', `${source} is neither an image archive nor an OCI layout folder`);
    return inspectStream(content, source, opts);
  });
  if (result === null) throw new InspectSourceError('SOURCE_NOT_FOUND', `${source} disappeared while it was read`);
  return result;
}
