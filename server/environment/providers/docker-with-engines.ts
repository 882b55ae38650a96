// The docker provider with each Docker lesson's learner given an engine of their own (DESIGN.md "Classes",
// Docker lessons), for `stepwise serve --backend docker` and `stepwise check --backend docker` alike. The probe
// picks the strongest isolation level that works here and `mode` allows; without one, Docker lessons are refused
// with the policy's words (which name the flag). The caller disposes of the engines.
import { join } from 'node:path';
import { dockerFromHost, dockerHostFromEnv } from '../docker-host.ts';
import type { Provider } from '../provider.ts';
import { stateDir } from '../state-dir.ts';
import { describeDecision, dockerLessonRefusal, setUpLearnerEngines } from '../learner-engine/index.ts';
import type { LearnerEnginesMode } from '../learner-engine/index.ts';
import { DockerBackend } from './docker.ts';
import { hostFacts, providerOf } from './index.ts';

export interface DockerProviderWithEngines {
  provider: Provider;
  /** The level chosen (or why none), in one line for the operator. */
  decision: string;
  /** Stops every learner engine and the dockerd that holds them. */
  dispose(): Promise<void>;
}

export interface DockerWithEnginesOptions {
  mode: LearnerEnginesMode;
  /** Where DOCKER_HOST is read. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Labels this run's containers and engines (`stepwise check` uses its own, so it never reaps a server's). */
  scope?: string;
}

export async function dockerProviderWithEngines(opts: DockerWithEnginesOptions): Promise<DockerProviderWithEngines> {
  const host = dockerHostFromEnv(opts.env);
  const hostDocker = dockerFromHost(host);
  const setup = await setUpLearnerEngines({
    hostDocker,
    stateDir: join(stateDir(opts.env), 'learner-engines'),
    mode: opts.mode,
    ...(opts.scope ? { scope: opts.scope } : {}),
  });
  const refusal = dockerLessonRefusal(setup.decision);
  const backend = new DockerBackend({
    docker: hostDocker,
    ...(opts.scope ? { scope: opts.scope } : {}),
    ...(setup.engines ? { learnerEngines: setup.engines } : {}),
    ...(refusal ? { dockerRefusal: refusal } : {}),
  });
  return {
    provider: providerOf(backend, hostFacts(host, opts.env)),
    decision: describeDecision(setup.decision),
    dispose: async () => setup.engines?.dispose(),
  };
}
