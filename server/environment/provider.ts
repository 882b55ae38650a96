// A provider (DESIGN.md "Environments"): makes Environments of one kind, finds the ones an earlier server run
// left (for reaping), and says which of a lesson's wants this host cannot meet. Wraps a driver (local.ts,
// docker.ts) that implements the per-operation Backend interface.
import type { Backend, BackendName, EnvironmentSpec, WarmContainers, WarmKind } from './backend.ts';
import { Environment } from './environment.ts';
import type { EnvironmentWants, Requirements, Unmet } from './requirements.ts';

export class Provider {
  constructor(
    /** The driver itself: for tests of a provider's own behaviour, and nothing above the environment layer. */
    readonly driver: Backend,
    private readonly requirements: Requirements,
  ) {}

  get name(): BackendName {
    return this.driver.name;
  }

  /** A new, empty environment. Throws BackendError (REQUIRES_UNMET, CREATE_FAILED) when it cannot. */
  async create(spec: EnvironmentSpec): Promise<Environment> {
    return new Environment(this.driver, await this.driver.create(spec));
  }

  /** Ids of environments left by an earlier server run. */
  list(): Promise<string[]> {
    return this.driver.list();
  }

  /** Destroys what list() finds. Returns their ids. */
  async reapOrphans(): Promise<string[]> {
    const orphans = await this.driver.list();
    for (const id of orphans) await this.driver.destroy({ id, backend: this.driver.name, workdir: '', createdAt: 0 });
    return orphans;
  }

  /**
   * Keeps `size` environments of each kind made ahead of learners, where the driver has a pool (docker);
   * null where making one is quick anyway (local).
   */
  keepWarm(kinds: readonly WarmKind[], size: number, onError: (err: unknown) => void): WarmContainers | null {
    return this.driver.keepWarm?.(kinds, size, onError) ?? null;
  }

  /** What this provider itself needs from the host (the docker provider: an engine). */
  providerUnmet(): Promise<Unmet[]> {
    return this.requirements.providerUnmet();
  }

  /** Why this host and provider cannot give a lesson what its front matter asks for; empty when they can. */
  unmet(wants: EnvironmentWants): Promise<Unmet[]> {
    return this.requirements.unmet(wants);
  }
}
