// `stepwise check`'s options, validated: a bad value is a usage error (exit 2) that names it.
import { isBackendName } from '../environment/names.ts';
import { isLearnerEnginesMode, LEARNER_ENGINE_MODES } from '../environment/learner-engine/levels.ts';
import type { CheckRunOptions } from '../check-runner/index.ts';
// errors.ts alone, not the protocol's index: the index loads zod, which `--help` does not need.
import { CodedError } from '../protocol/errors.ts';

/** Per cell, setup command and script, unless --timeout says otherwise (ms): a `docker pull` fits easily. */
export const DEFAULT_TIMEOUT_MS = 120_000;
/** The longest --timeout accepted (ms): a CI job should not wait longer than this on one cell. */
export const MAX_TIMEOUT_MS = 60 * 60_000;

export type CheckOptions = CheckRunOptions;

export class UsageError extends CodedError<'USAGE'> {
  constructor(message: string) {
    super('USAGE', message);
  }
}

/** "90" or "90s" (seconds), "500ms", "2m" → ms. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new UsageError(`--timeout ${text}: expected a duration such as 90, 90s, 500ms or 2m`);
  const n = Number(m[1]);
  const ms = Math.round(m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000);
  if (ms <= 0 || ms > MAX_TIMEOUT_MS)
    throw new UsageError(`--timeout ${text}: must be more than 0 and at most ${MAX_TIMEOUT_MS / 60_000} minutes`);
  return ms;
}

export function parseStep(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new UsageError(`--step ${text}: expected a step number, 1 or more`);
  return Number(text);
}

export interface RawCheckOptions {
  backend?: string;
  junit?: string;
  ipynb?: string;
  tap?: boolean;
  step?: string;
  keep?: boolean;
  timeout?: string;
  learnerEngines?: string;
}

export function checkOptions(raw: RawCheckOptions): CheckOptions {
  const backend = raw.backend ?? 'local';
  if (!isBackendName(backend)) throw new UsageError(`--backend ${backend}: expected local or docker`);
  const opts: CheckOptions = {
    backend,
    tap: raw.tap === true,
    keep: raw.keep === true,
    timeoutMs: raw.timeout === undefined ? DEFAULT_TIMEOUT_MS : parseDuration(raw.timeout),
  };
  if (raw.junit !== undefined) opts.junit = raw.junit;
  if (raw.ipynb !== undefined) opts.ipynb = raw.ipynb;
  if (raw.step !== undefined) opts.step = parseStep(raw.step);
  if (raw.learnerEngines !== undefined) {
    if (!isLearnerEnginesMode(raw.learnerEngines))
      throw new UsageError(`--learner-engines ${raw.learnerEngines}: expected ${LEARNER_ENGINE_MODES.join(' or ')}`);
    opts.learnerEngines = raw.learnerEngines;
  }
  return opts;
}
