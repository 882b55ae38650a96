// "A glob matches if any path matches": examines matches one by one until one fits every expectation.
import type { CheckOutcome } from '../types.ts';
import type { Expansion } from '../../environment/index.ts';
import { MAX_GLOB_EXAMINED } from '../limits.ts';
import { listSome, plural } from '../text.ts';
import type { Finding, Verdict } from '../verdict.ts';

export async function anyMatch(
  verdict: Verdict,
  glob: string,
  expansion: Expansion,
  examine: (path: string) => Promise<Finding[] | null>,
): Promise<CheckOutcome> {
  verdict.setSubject(`a path matching ${glob}`);
  if (expansion.paths.length === 0) return verdict.stop('exists', `nothing matches ${glob}`);
  let best: Finding[] | null = null;
  for (const path of expansion.paths.slice(0, MAX_GLOB_EXAMINED)) {
    const findings = await examine(path);
    if (findings === null) continue; // vanished between listing and reading
    if (findings.every((f) => f.ok)) {
      verdict.add(...findings);
      verdict.note(`${path} matches ${glob}`);
      return verdict.outcome();
    }
    if (best === null || failures(findings) < failures(best)) best = findings;
  }
  if (best === null) return verdict.stop('exists', `nothing matches ${glob}`);
  verdict.add(...best);
  const examined = Math.min(expansion.paths.length, MAX_GLOB_EXAMINED);
  verdict.explain(
    `${plural(expansion.paths.length, 'path')} match ${glob} (${listSome(expansion.paths)}); none of the ${examined} examined fits`,
  );
  return verdict.outcome();
}

function failures(findings: Finding[]): number {
  return findings.filter((f) => !f.ok).length;
}
