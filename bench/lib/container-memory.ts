// Memory of what a class costs: a process's resident set (from /proc) and containers' memory (the Engine API's
// stats: the container cgroup's usage, and the same less its inactive file cache, which is what `docker stats`
// shows). Units: bytes.
import { readFileSync } from 'node:fs';
import type Docker from 'dockerode';
import { z } from 'zod';

/** VmRSS of one process (bytes); 0 when it has gone. */
export function processRss(pid: number): number {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return Number(kb ?? 0) * 1024;
  } catch {
    return 0;
  }
}

const StatsSchema = z.looseObject({
  memory_stats: z.looseObject({
    usage: z.number().optional(),
    stats: z.record(z.string(), z.number()).optional(),
  }),
});

export interface ContainerMemory {
  id: string;
  /** The cgroup's whole usage, page cache included. */
  usage: number;
  /** usage less inactive file cache: what `docker stats` reports, and what the kernel reclaims last. */
  working: number;
}

export async function containerMemory(docker: Docker, id: string): Promise<ContainerMemory> {
  const raw: unknown = await docker.getContainer(id).stats({ stream: false });
  const { memory_stats } = StatsSchema.parse(raw);
  const usage = memory_stats.usage ?? 0;
  // cgroup v2 names it inactive_file, v1 total_inactive_file.
  const inactive = memory_stats.stats?.inactive_file ?? memory_stats.stats?.total_inactive_file ?? 0;
  return { id, usage, working: Math.max(0, usage - inactive) };
}

const ListSchema = z.array(z.object({ Id: z.string() }));

/** Running containers carrying `label` (key=value). */
export async function labelledContainers(docker: Docker, label: string): Promise<string[]> {
  const raw: unknown = await docker.listContainers({ filters: { label: [label] } });
  return ListSchema.parse(raw).map((c) => c.Id);
}

/** Every container (running or not) carrying `label`: what a cleanup must remove. */
export async function allLabelledContainers(docker: Docker, label: string): Promise<string[]> {
  const raw: unknown = await docker.listContainers({ all: true, filters: { label: [label] } });
  return ListSchema.parse(raw).map((c) => c.Id);
}
