// Whether this server can meet a lesson's `requires` (shown on the lesson list before the learner starts).
import type { BackendName } from '../terminal/backend.ts';
import type { LessonSummary } from '../protocol/api.ts';
import { probeDockerHost } from '../terminal/docker-host.ts';

/** An engine's answer is reused this long (ms): the lesson list must not ping the engine on every load. */
const PROBE_CACHE_MS = 5_000;

export class RequirementChecker {
  private dockerProbe: { at: number; reason: Promise<string | null> } | null = null;

  constructor(
    private readonly backend: BackendName,
    private readonly dockerHost: string | null,
  ) {}

  async unmet(requires: readonly string[]): Promise<LessonSummary['unmet']> {
    const out: LessonSummary['unmet'] = [];
    for (const requirement of requires) {
      const reason = await this.reason(requirement);
      if (reason) out.push({ requirement, reason });
    }
    return out;
  }

  private async reason(requirement: string): Promise<string | null> {
    switch (requirement) {
      case 'docker':
        if (this.backend === 'docker') return 'the docker backend gives each learner a container without its own Docker engine; serve with --backend local';
        if (!this.dockerHost) return 'this server was started without a Docker engine';
        return this.probeDocker(this.dockerHost);
      case 'network':
        return null; // the local backend shares the host's network; the docker backend grants it per lesson
      default:
        return `stepwise does not know how to provide "${requirement}"`;
    }
  }

  private probeDocker(host: string): Promise<string | null> {
    const now = Date.now();
    if (!this.dockerProbe || now - this.dockerProbe.at > PROBE_CACHE_MS) {
      this.dockerProbe = { at: now, reason: probeDockerHost(host) };
    }
    return this.dockerProbe.reason;
  }
}
