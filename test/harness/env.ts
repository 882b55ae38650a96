// What the `npm test` wrapper (test/run.ts) provisioned, as seen from a test file. A test that needs a part
// calls require*(); when the part is missing the test fails with the reason, never skips.

/** Env var names the wrapper exports to every test process. */
export const ENV_DOCKER_HOST = 'STEPWISE_TEST_DOCKER_HOST';
export const ENV_REGISTRY = 'STEPWISE_TEST_REGISTRY';
export const ENV_PROVISION_ERROR = 'STEPWISE_TEST_PROVISION_ERROR';

function missing(what: string, variable: string): Error {
  const why = process.env[ENV_PROVISION_ERROR];
  return new Error(
    why
      ? `${what} is unavailable: the test wrapper could not provision it: ${why}`
      : `${what} is unavailable: ${variable} is not set. Run the suite through \`npm test\` (or \`npm test -- FILE\`), which starts a private dockerd and registry.`,
  );
}

/** The private engine's address, e.g. `unix:///tmp/stepwise-test-x/docker.sock`. */
export function requireDockerHost(): string {
  const host = process.env[ENV_DOCKER_HOST];
  if (!host) throw missing('The test Docker engine', ENV_DOCKER_HOST);
  return host;
}

/** The socket path of the private engine, for dockerode's `socketPath`. */
export function requireDockerSocket(): string {
  const host = requireDockerHost();
  if (!host.startsWith('unix://')) throw new Error(`${ENV_DOCKER_HOST} is not a unix socket: ${host}`);
  return host.slice('unix://'.length);
}

/** The registry mirror, e.g. `127.0.0.1:5055`. Images are at `${registry}/library/NAME:TAG`. */
export function requireRegistry(): string {
  const registry = process.env[ENV_REGISTRY];
  if (!registry) throw missing('The test registry', ENV_REGISTRY);
  return registry;
}

/** Images the wrapper pushed into the mirror, so `docker pull NAME` works offline in the private engine. */
export const SEEDED_IMAGES = {
  /** Debian's static busybox with its applet links, imported as a rootfs. */
  busybox: 'busybox:latest',
  /** A STAND-IN for the real redis:3.2.11-alpine (unreachable offline): the busybox rootfs plus a marker file
   *  /STAND-IN and a `redis-server` shell script. The container-images lesson only needs some image by that tag. */
  redis: 'redis:3.2.11-alpine',
} as const;
