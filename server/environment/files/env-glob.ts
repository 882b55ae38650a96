// Expands a check's PATH-or-GLOB inside the learner's environment. The environment lists candidates (bash, via
// `Environment.exec`, so it works in a container too); picomatch decides which match. Paths are relative to the
// learner's working directory unless absolute, and a glob matches if any path matches.
import picomatch from 'picomatch';
import type { Environment } from '../environment.ts';
import { EnvReadError } from './env-tar.ts';
import { ENV_PROBE_TIMEOUT_MS, MAX_GLOB_CANDIDATES } from '../limits.ts';

export interface Expansion {
  glob: boolean;
  /** Existing paths for a glob, sorted; for a plain path, the path itself (it may not exist). */
  paths: string[];
  /** The listing stopped at MAX_GLOB_CANDIDATES. */
  truncated: boolean;
}

/**
 * Lists candidates below $1 (the glob's static base) NUL-separated: every path with $2 = all, else the paths
 * exactly $2 levels deep. At most $3 of them. A missing base lists nothing.
 */
const LIST_SCRIPT = `
cd -- "$1" 2>/dev/null || exit 0
shopt -s dotglob nullglob globstar
if [ "$2" = all ]; then set -- **; else pat='*'; for ((i = 1; i < $2; i++)); do pat="$pat/*"; done; set -- $pat; fi
n=0
for p in "$@"; do printf '%s\\0' "$p"; n=$((n + 1)); [ "$n" -ge "$3" ] && exit 0; done
exit 0
`;

export function normaliseTarget(target: string): string {
  const t = target.replace(/^(\.\/)+/, '');
  return t === '' ? '.' : t;
}

export async function expandTarget(env: Environment, target: string): Promise<Expansion> {
  const normal = normaliseTarget(target);
  const scan = picomatch.scan(normal);
  if (!scan.isGlob) return { glob: false, paths: [normal], truncated: false };
  const base = scan.base === '' ? '.' : scan.base;
  const simple = !/\*\*|[{}()]/.test(scan.glob);
  const depth = simple ? scan.glob.split('/').length : 'all';
  const result = await env.exec(
    ['bash', '-c', LIST_SCRIPT, 'stepwise-glob', base, String(depth), String(MAX_GLOB_CANDIDATES)],
    {
      timeoutMs: ENV_PROBE_TIMEOUT_MS,
    },
  );
  if (result.exitCode !== 0) {
    throw new EnvReadError(
      'READ_FAILED',
      `could not list ${base} to match ${target}: ${result.timedOut ? 'it took too long' : result.stderr.trim() || `exit ${result.exitCode}`}`,
    );
  }
  const isMatch = picomatch(normal);
  const candidates = result.stdout.split('\0').filter((p) => p !== '');
  const paths = candidates
    .map((p) => (scan.base === '' ? p : `${scan.base.replace(/\/+$/, '')}/${p}`))
    .filter((p) => isMatch(p))
    .sort();
  return { glob: true, paths, truncated: candidates.length >= MAX_GLOB_CANDIDATES };
}
