import { test } from 'node:test';
import assert from 'node:assert/strict';
import { userInfo } from 'node:os';
import { localShellEnvironment, type LocalShellEnvOptions } from './local-env.ts';

const SERVER_ENV: NodeJS.ProcessEnv = {
  PATH: '/opt/bin:/usr/bin:/bin',
  LANG: 'de_DE.UTF-8',
  LC_TIME: 'en_GB.UTF-8',
  LANGUAGE: 'de',
  HOME: '/root',
  AWS_SECRET_ACCESS_KEY: 'server-only',
  PIP_INDEX_URL: 'https://mirror.example/simple',
  NODE_OPTIONS: '--inspect',
  npm_config_cache: '/root/.npm',
  DOCKER_HOST: 'unix:///server/own.sock',
  PWD: '/srv/stepwise',
  STEPWISE_TEST_DOCKER_HOST: 'x',
};

function build(extra: Partial<LocalShellEnvOptions> = {}): Record<string, string> {
  return localShellEnvironment({
    serverEnv: SERVER_ENV,
    workdir: '/state/sessions/s1/work',
    dockerHost: 'unix:///run/engine.sock',
    sessionMarker: ['STEPWISE_SESSION', 's1'],
    ...extra,
  });
}

test('the shell gets the short list and nothing else from the server', () => {
  const user = userInfo().username;
  assert.deepEqual(build(), {
    HOME: '/state/sessions/s1/work',
    PATH: '/opt/bin:/usr/bin:/bin',
    LANG: 'de_DE.UTF-8',
    LANGUAGE: 'de',
    LC_TIME: 'en_GB.UTF-8',
    USER: user,
    LOGNAME: user,
    TERM: 'xterm-256color',
    COLORTERM: 'truecolor',
    DOCKER_HOST: 'unix:///run/engine.sock',
    STEPWISE_SESSION: 's1',
  });
});

test('defaults when the server has no PATH or LANG; no engine means no DOCKER_HOST', () => {
  const env = build({ serverEnv: {}, dockerHost: null });
  assert.equal(env.PATH, '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  assert.equal(env.LANG, 'C.UTF-8');
  assert.equal('DOCKER_HOST' in env, false, "the server's own DOCKER_HOST is not passed on either");
});

test("the lesson's variables are added and win, but cannot remove the session marker", () => {
  const env = build({ lessonEnv: { GREETING: 'hello', LANG: 'C', STEPWISE_SESSION: 'escaped' } });
  assert.equal(env.GREETING, 'hello');
  assert.equal(env.LANG, 'C');
  assert.equal(env.STEPWISE_SESSION, 's1');
});
