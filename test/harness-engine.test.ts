// The harness itself: the wrapper's engine and registry are real, and the mirror serves the seeded images.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { requireDockerHost, requireRegistry, SEEDED_IMAGES } from './harness/env.ts';

test('the private engine is not the host engine and pulls seeded images through the mirror', () => {
  const host = requireDockerHost();
  const registry = requireRegistry();
  assert.notEqual(host, 'unix:///var/run/docker.sock');
  const env = { ...process.env, DOCKER_HOST: host };
  const info = JSON.parse(execFileSync('docker', ['info', '--format', '{{json .}}'], { env, encoding: 'utf8' })) as {
    Driver: string;
    RegistryConfig: { Mirrors: string[] };
  };
  assert.equal(info.Driver, 'vfs');
  assert.deepEqual(info.RegistryConfig.Mirrors, [`http://${registry}/`]);
  execFileSync('docker', ['pull', SEEDED_IMAGES.redis], { env, stdio: 'ignore' });
  const standIn = execFileSync('docker', ['run', '--rm', SEEDED_IMAGES.redis, 'cat', '/STAND-IN'], {
    env,
    encoding: 'utf8',
  });
  assert.match(standIn, /stand-in for redis:3\.2\.11-alpine/);
  execFileSync('docker', ['rmi', SEEDED_IMAGES.redis], { env, stdio: 'ignore' });
});
