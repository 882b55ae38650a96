// The baseline for "time to a prompt": what the Docker engine alone takes to give N shells at once. Each of N
// containers of the learners' shell image is created, started and runs `bash -c true` through `docker exec`,
// all at once, straight through the Engine API: no stepwise server. Times are ms from the start of the burst.
import type Docker from 'dockerode';
import type { Readable } from 'node:stream';

/** Marks the baseline's containers, so they are removed even when a burst fails half-way. */
const BASELINE_LABEL = 'io.stepwise.bench-baseline';

async function oneShell(docker: Docker, image: string, t0: number): Promise<number> {
  const container = await docker.createContainer({
    Image: image,
    Cmd: ['sleep', 'infinity'],
    Entrypoint: [],
    User: '1000:1000',
    Labels: { [BASELINE_LABEL]: '1' },
    HostConfig: { Init: true, NetworkMode: 'none', CapDrop: ['ALL'] },
  });
  await container.start();
  const exec = await container.exec({ Cmd: ['bash', '-c', 'true'], AttachStdout: true, AttachStderr: true });
  const stream = (await exec.start({ hijack: true, stdin: false })) as Readable;
  await new Promise<void>((resolve, reject) => {
    stream.on('error', reject);
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.resume();
  });
  return performance.now() - t0;
}

/** Per container: ms from the burst's start until its `bash -c true` returned. Removes what it made. */
export async function engineShellBurst(docker: Docker, image: string, n: number): Promise<number[]> {
  const t0 = performance.now();
  try {
    return await Promise.all(Array.from({ length: n }, () => oneShell(docker, image, t0)));
  } finally {
    await removeBaselineContainers(docker);
  }
}

export async function removeBaselineContainers(docker: Docker): Promise<void> {
  const list = await docker.listContainers({ all: true, filters: { label: [`${BASELINE_LABEL}=1`] } });
  await Promise.all(list.map((c) => docker.getContainer(c.Id).remove({ force: true })));
}
