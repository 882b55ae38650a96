// The learner-engine provisioner on the real private dockerd: an engine left by an earlier run (a second
// instance over the same state folder stands in for a restarted server) is listed and reaped with its container,
// volume and socket folder; a bad learner id is refused before anything is made; disposal leaves nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { dockerFromHost } from '../server/environment/docker-host.ts';
import {
  LearnerEngineError,
  LearnerEngines,
  setUpLearnerEngines,
  type LearnerEngineSetup,
} from '../server/environment/learner-engine/index.ts';
import { requireDockerHost } from './harness/env.ts';

const SCOPE = `prov-${process.pid}`;
/** Short: containerd's socket path under it must fit in 108 bytes. */
const STATE = mkdtempSync(join(tmpdir(), 'swlp-'));
let docker: Docker;
let setup: LearnerEngineSetup;

async function labelled(engine: Docker, kind: 'containers' | 'volumes'): Promise<number> {
  const filters = { label: [`io.stepwise.scope=${SCOPE}`] };
  if (kind === 'containers') return (await engine.listContainers({ all: true, filters })).length;
  return ((await engine.listVolumes({ filters })).Volumes ?? []).length;
}

describe('learner-engine provisioner', { concurrency: false }, () => {
  before(async () => {
    docker = dockerFromHost(requireDockerHost());
    setup = await setUpLearnerEngines({ hostDocker: docker, stateDir: STATE, mode: 'safe', scope: SCOPE });
    if (!setup.engines) throw new Error(`no learner-engine level works here: ${JSON.stringify(setup.probe)}`);
  });

  after(async () => {
    await setup?.engines?.dispose();
    rmSync(STATE, { recursive: true, force: true });
  });

  test('an engine an earlier run left is listed, and reap removes its container, volume and folder', async () => {
    const first = setup.engines!;
    const engine = await first.start('left-behind');
    assert.ok(engine.readyMs > 0);
    assert.deepEqual(await first.list(), [], 'an instance does not offer its own live engines');
    const restarted = await LearnerEngines.open({
      hostDocker: docker,
      stateDir: STATE,
      level: first.level,
      scope: SCOPE,
    });
    // No dispose() for `restarted`: it adopted the same outer engine, which `first` owns and stops.
    assert.deepEqual(await restarted.list(), ['left-behind']);
    assert.equal(await labelled(first.containerEngine, 'containers'), 1);
    assert.equal(await labelled(first.containerEngine, 'volumes'), 1);
    await restarted.reap('left-behind');
    assert.deepEqual(await restarted.list(), []);
    assert.equal(await labelled(first.containerEngine, 'containers'), 0);
    assert.equal(await labelled(first.containerEngine, 'volumes'), 0);
    assert.ok(!existsSync(join(STATE, 'engines', 'left-behind')), 'the socket folder is gone');
    await engine.dispose(); // idempotent over what reap already removed
  });

  test('a learner id that is not a safe name is refused before anything is made', async () => {
    await assert.rejects(
      setup.engines!.start('../escape'),
      (e: unknown) => e instanceof LearnerEngineError && e.code === 'ENGINE_BAD_LEARNER',
    );
    assert.equal(await labelled(setup.engines!.containerEngine, 'containers'), 0);
  });

  test('dispose removes the engine, its volume and folder; a second start for the same learner works', async () => {
    const engine = await setup.engines!.start('twice');
    await assert.rejects(
      setup.engines!.start('twice'),
      (e: unknown) => e instanceof LearnerEngineError && e.code === 'ENGINE_EXISTS',
    );
    await engine.dispose();
    assert.equal(await labelled(setup.engines!.containerEngine, 'containers'), 0);
    assert.equal(await labelled(setup.engines!.containerEngine, 'volumes'), 0);
    assert.ok(!existsSync(join(STATE, 'engines', 'twice')));
    const again = await setup.engines!.start('twice');
    assert.equal(String(await again.docker.ping()), 'OK');
    await again.dispose();
  });
});
