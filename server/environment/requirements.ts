// The one requirements module (DESIGN.md "Environments", `unmet(requires)`): can this host, on this provider,
// meet what a lesson's front matter asks for (`environment.backend` and `requires`)? Each unmet requirement
// comes with exactly what is missing, in the same words for `stepwise check` (which exits 2 on any) and for
// the lesson list (shown before the learner starts). Host-free rules and their wording live in
// server/lesson/requirements.ts, so lint says the same.
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import {
  KNOWN_REQUIREMENTS,
  REFUSE_DOCKER_MESSAGE,
  unknownRequirementMessage,
  wrongBackendMessage,
} from '../lesson/index.ts';
import type { BackendName } from './names.ts';
import { probeDockerHost } from './docker-host.ts';

/** An engine's or PATH's answer is reused this long (ms): the lesson list must not ping the engine on every load,
 *  and one `stepwise check` run asks the same question for every lesson. */
const PROBE_CACHE_MS = 5_000;

export interface Unmet {
  requirement: string;
  reason: string;
}

/** What a lesson asks of its environment (Lesson['environment']). */
export interface EnvironmentWants {
  backend?: BackendName;
  requires: readonly string[];
}

export interface HostFacts {
  /** The Docker engine local shells use, or where docker-provider containers run; null: none. */
  dockerHost: string | null;
  /** Where dockerHost came from: DOCKER_HOST, the default socket, or the caller's own option. */
  dockerHostSource: 'env' | 'default' | 'option';
  /** $PATH, to find the docker CLI that lessons type. */
  path: string;
}

async function onPath(command: string, path: string): Promise<boolean> {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    try {
      await access(join(dir, command), constants.X_OK);
      return true;
    } catch (e: unknown) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'EACCES') throw e;
    }
  }
  return false;
}

/** A cached async answer that is asked again after PROBE_CACHE_MS. */
class Cached<T> {
  private answer: { at: number; value: Promise<T> } | null = null;

  constructor(private readonly ask: () => Promise<T>) {}

  get(): Promise<T> {
    const now = Date.now();
    if (this.answer === null || now - this.answer.at > PROBE_CACHE_MS) this.answer = { at: now, value: this.ask() };
    return this.answer.value;
  }
}

export class Requirements {
  private readonly engineProblem: Cached<string | null>;
  private readonly dockerCli: Cached<boolean>;

  constructor(
    private readonly provider: BackendName,
    private readonly facts: HostFacts,
    /** docker provider: why it refuses Docker lessons (no learner engines), or null when it gives each learner one. */
    private readonly dockerLessonRefusal: () => string | null = () => REFUSE_DOCKER_MESSAGE,
  ) {
    this.engineProblem = new Cached(async () => {
      if (facts.dockerHost === null) return 'this server was started without a Docker engine';
      const problem = await probeDockerHost(facts.dockerHost);
      return problem === null ? null : this.engineWords(problem);
    });
    this.dockerCli = new Cached(() => onPath('docker', facts.path));
  }

  /** What the provider itself needs: the docker provider runs learners in containers on the engine. */
  async providerUnmet(): Promise<Unmet[]> {
    if (this.provider !== 'docker') return [];
    const problem = await this.engineProblem.get();
    return problem === null
      ? []
      : [
          {
            requirement: 'docker backend',
            reason: `it runs learners in containers and needs a Docker engine: ${problem}`,
          },
        ];
  }

  /** Why this host cannot give a lesson what it asks for; empty when it can. */
  async unmet(wants: EnvironmentWants): Promise<Unmet[]> {
    const unmet: Unmet[] = [];
    if (wants.backend !== undefined && wants.backend !== this.provider) {
      unmet.push({
        requirement: `${wants.backend} backend`,
        reason: wrongBackendMessage(wants.backend, this.provider),
      });
    }
    for (const requirement of wants.requires) {
      if (!KNOWN_REQUIREMENTS.includes(requirement)) {
        unmet.push({ requirement, reason: unknownRequirementMessage(requirement) });
      } else if (requirement === 'docker') {
        unmet.push(...(await this.dockerUnmet()));
      }
    }
    return unmet;
  }

  private async dockerUnmet(): Promise<Unmet[]> {
    if (this.provider === 'docker') {
      const refusal = this.dockerLessonRefusal();
      return refusal === null ? [] : [{ requirement: 'docker', reason: refusal }];
    }
    const unmet: Unmet[] = [];
    const problem = await this.engineProblem.get();
    if (problem !== null) unmet.push({ requirement: 'docker', reason: problem });
    if (!(await this.dockerCli.get()))
      unmet.push({
        requirement: 'docker',
        reason: 'the docker command is not on PATH; the lesson types docker commands',
      });
    return unmet;
  }

  /** probeDockerHost's reason names the address; this says where the address came from. */
  private engineWords(problem: string): string {
    switch (this.facts.dockerHostSource) {
      case 'env':
        return `${problem} (from DOCKER_HOST)`;
      case 'default':
        return `${problem} (DOCKER_HOST is not set, so stepwise looked at the default socket)`;
      case 'option':
        return problem;
    }
  }
}
