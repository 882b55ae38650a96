// Sessions on containers made ahead of learners (`serve --warm`), through the real server, ws and the harness's
// private engine: a learner's session takes a waiting container and its waiting shell, runs cells in it, a second
// learner takes the next, the pool refills, and stopping the server leaves nothing in the engine.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { createProvider, hostFacts, providerOf } from '../server/environment/index.ts';
import { setUpLearnerEngines } from '../server/environment/learner-engine/index.ts';
import { DockerBackend } from '../server/environment/providers/docker.ts';
import { dockerFromHost } from '../server/environment/docker-host.ts';
import { MANAGED_LABEL, SCOPE_LABEL, SESSION_LABEL } from '../server/environment/providers/docker-container-spec.ts';
import { WARM_SESSION_PREFIX } from '../server/environment/providers/docker-warm-pool.ts';
import { requireDockerHost } from './harness/env.ts';
import { TestClient } from './harness/terminal-client.ts';
import { bash, lessonMarkdown, startTestServer, type TestServer } from './harness/terminal-server.ts';

const SCOPE = `warm-sessions-${process.pid}-${Date.now()}`;
const WARM = 2;

let t: TestServer;
let docker: Docker;
const clients: TestClient[] = [];

async function scopeContainers(): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`${MANAGED_LABEL}=1`, `${SCOPE_LABEL}=${SCOPE}`] } });
}

const isWarm = (c: Docker.ContainerInfo) => (c.Labels[SESSION_LABEL] ?? '').startsWith(WARM_SESSION_PREFIX);

before(async () => {
  const host = requireDockerHost();
  docker = dockerFromHost(host);
  t = await startTestServer({
    lessons: { warm: lessonMarkdown('Warm', { One: bash('echo "cell:$((6*7)):$(id -u)"') }) },
    backend: createProvider('docker', { dockerHost: host, scope: SCOPE }),
    warm: WARM,
  });
  assert.ok(t.server.warm, 'the docker provider keeps containers warm');
  await t.server.warm.settled();
});

after(async () => {
  for (const c of clients) await c.close();
  await t?.stop();
  const left = await scopeContainers();
  for (const c of left) await docker.getContainer(c.Id).remove({ force: true });
  assert.deepEqual(
    left.map((c) => c.Labels[SESSION_LABEL]),
    [],
    'stopping the server removed the sessions and the containers still waiting',
  );
});

test('two learners take waiting containers with their shells at a prompt, run a cell each, and the pool refills', async () => {
  assert.equal(t.server.warm?.ready(), WARM);
  const waiting = (await scopeContainers()).filter(isWarm).map((c) => c.Id);
  assert.equal(waiting.length, WARM);

  for (let i = 0; i < 2; i++) {
    const client = await TestClient.connect(t.wsUrl, { cookie: t.cookie, origin: t.origin });
    clients.push(client);
    const welcome = await client.hello('warm');
    const result = await client.run('s1.c1');
    assert.equal(result.exitCode, 0);
    assert.equal(result.output, 'cell:42:1000', 'the cell ran as the learner in their container');
    // No container was made for this session: its container is one that waited.
    const mine = (await scopeContainers()).filter((c) => c.Labels[SESSION_LABEL] === welcome.sessionId);
    assert.deepEqual(mine, [], 'no container was made for the session itself');
  }

  await t.server.warm?.settled();
  assert.equal(t.server.warm?.ready(), WARM, 'the pool made replacements');
  const all = await scopeContainers();
  assert.equal(all.length, WARM + 2, 'the two taken and the two made to replace them');
  assert.ok(
    waiting.every((id) => all.some((c) => c.Id === id)),
    'both containers that waited are in use',
  );
});

test("a Docker lesson's waiting container comes with the learner's own engine, already answering", async () => {
  const state = mkdtempSync(join(tmpdir(), 'swws-')); // short: the engines' sockets live below it
  const scope = `${SCOPE}-engines`;
  const setup = await setUpLearnerEngines({ hostDocker: docker, stateDir: state, mode: 'safe', scope });
  let server: TestServer | undefined;
  try {
    if (!setup.engines) throw new Error(`no learner-engine level works here: ${JSON.stringify(setup.probe)}`);
    const backend = new DockerBackend({ docker, scope, learnerEngines: setup.engines });
    server = await startTestServer({
      lessons: {
        engine: lessonMarkdown(
          'Engine',
          { One: bash('docker version --format "engine:{{.Server.Os}}"') },
          'environment:\n  requires: [docker]\n',
        ),
      },
      backend: providerOf(backend, hostFacts(requireDockerHost())),
      warm: 1,
    });
    assert.ok(server.server.warm);
    await server.server.warm.settled();
    assert.equal(server.server.warm.ready(), 1, 'one container waits, with its engine');
    const engineBefore = await setup.engines.list();
    assert.deepEqual(engineBefore, [], 'a waiting engine is not a leftover');

    const client = await TestClient.connect(server.wsUrl, { cookie: server.cookie, origin: server.origin });
    clients.push(client);
    await client.hello('engine');
    const result = await client.run('s1.c1');
    assert.equal(result.exitCode, 0, result.output);
    assert.equal(result.output, 'engine:linux', 'the learner reached an engine at once');
    await client.close();
  } finally {
    await server?.stop();
    await setup.engines?.dispose();
    rmSync(state, { recursive: true, force: true });
  }
  const left = await docker.listContainers({ all: true, filters: { label: [`io.stepwise.scope=${scope}`] } });
  assert.deepEqual(
    left.map((c) => c.Names.join(',')),
    [],
    'no shell or engine container is left',
  );
});
