// What one learner's engine container looks like at each level: the Engine API create body. Shared by both
// levels: the host's binaries read-only, vfs storage (works on any backing filesystem, in a user namespace too),
// no bridge and no iptables (the host's network never changes), no network at all (the registry mirror comes
// through mirror-proxy.ts), memory, pids and CPU limits over the engine and everything it runs, and labels.
import type { ContainerCreateOptions } from 'dockerode';
import type { IsolationLevel } from './levels.ts';
import { ENGINE_SOCKET_GID } from './engine-image.ts';
import { ENGINE_MEMORY_LIMIT_BYTES, ENGINE_NANO_CPUS, ENGINE_PIDS_LIMIT, MIRROR_PROXY_PORT } from './limits.ts';

/** Every learner engine container and volume carries this label, so list() finds leftovers after a restart. */
export const ENGINE_LABEL = 'io.stepwise.learner-engine';
export const ENGINE_LEARNER_LABEL = 'io.stepwise.learner';
export const ENGINE_SCOPE_LABEL = 'io.stepwise.scope';
/** Where the engine's socket folder is, in the engine container and in the learner's shell container alike. */
export const ENGINE_RUN_DIR = '/run/stepwise-engine';
export const ENGINE_SOCKET_NAME = 'docker.sock';
/** DOCKER_HOST in the learner's shell. */
export const LEARNER_DOCKER_HOST = `unix://${ENGINE_RUN_DIR}/${ENGINE_SOCKET_NAME}`;

export interface EngineContainerInput {
  level: IsolationLevel;
  learnerId: string;
  scope: string;
  image: string;
  bindDirs: string[]; // host system folders to mount read-only
  runDir: string; // host folder for the socket
  volume: string; // named volume for /var/lib/docker
  mirrorCount: number;
}

export function engineArgs(level: IsolationLevel, mirrorCount: number): string[] {
  const args = [
    '/usr/sbin/dockerd',
    '--host',
    `unix://${ENGINE_RUN_DIR}/${ENGINE_SOCKET_NAME}`,
    '--group',
    String(ENGINE_SOCKET_GID),
    '--storage-driver',
    'vfs',
    '--bridge',
    'none',
    '--iptables=false',
    '--ip-masq=false',
    '--ip6tables=false',
    // Rootless mode leaves cgroups to whoever started the engine: containers stay in the engine container's
    // cgroup, so its limits hold for everything the learner runs (runc cannot create cgroups in a user namespace).
    '--rootless',
  ];
  for (let i = 0; i < mirrorCount; i++) {
    const address = `127.0.0.1:${MIRROR_PROXY_PORT + i}`;
    args.push('--registry-mirror', `http://${address}`, '--insecure-registry', address);
  }
  if (level === 'privileged') args.splice(args.indexOf('--rootless'), 1);
  return args;
}

/** The labels of a learner's engine container and of its volume. */
export function engineLabels(learnerId: string, scope: string): Record<string, string> {
  return { [ENGINE_LABEL]: '1', [ENGINE_LEARNER_LABEL]: learnerId, [ENGINE_SCOPE_LABEL]: scope };
}

export function engineContainerSpec(input: EngineContainerInput): ContainerCreateOptions {
  const labels = engineLabels(input.learnerId, input.scope);
  const binds = [...input.bindDirs.map((d) => `${d}:${d}:ro`), `${input.runDir}:${ENGINE_RUN_DIR}`];
  // The privileged level gives runc the host's cgroup folders to write (its containers nest under the engine's).
  if (input.level === 'privileged') binds.push('/sys/fs/cgroup:/sys/fs/cgroup');
  return {
    Image: input.image,
    Entrypoint: [],
    Cmd: engineArgs(input.level, input.mirrorCount),
    User: '0:0',
    Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
    Labels: labels,
    NetworkDisabled: true,
    HostConfig: {
      // No docker-init: it would be mounted at /sbin/docker-init, inside the read-only host /usr. dockerd as PID 1
      // is enough, since each containerd shim is a subreaper for the processes of its own container.
      Init: false,
      // An engine needs nearly every capability; SYS_RESOURCE is dropped because some kernels (this machine's)
      // refuse it. At the userns level these are capabilities in the remapped namespace only.
      CapAdd: ['ALL'],
      CapDrop: ['SYS_RESOURCE'],
      SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
      // The CLI's `--security-opt systempaths=unconfined`: the engine must mount proc and sys for its containers.
      MaskedPaths: [],
      ReadonlyPaths: [],
      Binds: binds,
      Mounts: [{ Type: 'volume', Source: input.volume, Target: '/var/lib/docker' }], // made with engineLabels() first
      Tmpfs: { '/run': 'rw,nosuid,nodev,mode=755', '/tmp': 'rw,nosuid,nodev,mode=1777' },
      NetworkMode: 'none',
      Memory: ENGINE_MEMORY_LIMIT_BYTES,
      MemorySwap: ENGINE_MEMORY_LIMIT_BYTES,
      PidsLimit: ENGINE_PIDS_LIMIT,
      NanoCpus: ENGINE_NANO_CPUS,
      RestartPolicy: { Name: 'no' },
      AutoRemove: false, // dispose() removes it; after a crash list() finds it for reaping
      LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '1' } }, // the engine's log, for post-mortems
    },
  };
}
