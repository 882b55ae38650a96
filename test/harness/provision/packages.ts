// Installs the Debian packages the suite needs when they are missing: the engine, the registry, Chromium and a
// static busybox. apt-get update runs once, only when something must be installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

interface HostPackage {
  pkg: string; // Debian package name
  binary: string; // what must exist afterwards
}

const HOST_PACKAGES: HostPackage[] = [
  { pkg: 'docker.io', binary: '/usr/sbin/dockerd' },
  { pkg: 'docker-registry', binary: '/usr/bin/docker-registry' },
  { pkg: 'chromium', binary: '/usr/bin/chromium' },
  { pkg: 'busybox-static', binary: '/usr/bin/busybox' },
];

/** apt can take minutes on a fresh machine; beyond this something is wrong. */
const APT_TIMEOUT_MS = 15 * 60_000;

function isStaticBusybox(): boolean {
  if (!existsSync('/usr/bin/busybox')) return false;
  const r = spawnSync('file', ['-L', '/usr/bin/busybox'], { encoding: 'utf8' });
  // Without `file`, trust ldd: a static binary is "not a dynamic executable".
  if (r.status !== 0) return spawnSync('ldd', ['/usr/bin/busybox'], { encoding: 'utf8' }).status !== 0;
  return /statically linked|static-pie/.test(r.stdout);
}

export function missingPackages(): string[] {
  return HOST_PACKAGES.filter((p) => (p.pkg === 'busybox-static' ? !isStaticBusybox() : !existsSync(p.binary))).map(
    (p) => p.pkg,
  );
}

/** Throws with a reason when the packages cannot be installed. */
export function ensureHostPackages(log: (line: string) => void): void {
  const missing = missingPackages();
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `missing Debian packages ${missing.join(', ')} and not root: run \`sudo apt-get install ${missing.join(' ')}\``,
    );
  }
  log(`installing ${missing.join(', ')} with apt-get (once)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const opts = { stdio: ['ignore', 'ignore', 'pipe'] as ['ignore', 'ignore', 'pipe'], env, timeout: APT_TIMEOUT_MS };
  try {
    execFileSync('apt-get', ['update', '-q'], opts);
    execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], opts);
  } catch (e: unknown) {
    const stderr =
      e instanceof Error && 'stderr' in e
        ? String((e as { stderr: unknown }).stderr)
            .trim()
            .split('\n')
            .slice(-3)
            .join(' | ')
        : String(e);
    throw new Error(`apt-get install ${missing.join(' ')} failed: ${stderr}`);
  }
  const still = missingPackages();
  if (still.length > 0) throw new Error(`apt-get ran but these are still missing: ${still.join(', ')}`);
}
