// Katacoda/Killercoda assets: files under the scenario's assets/ folder, copied to a target folder on a host.
// `file` may be a glob ("*"). Targets under ~ map to the learner's working directory.
import { readdir } from 'node:fs/promises';
import { join, posix, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import type { Asset, SourceRef } from '../model.ts';
import type { ProblemList } from '../problems.ts';
import { errorText } from '../text-file.ts';
import type { PathKey } from '../yaml-source.ts';

export const ASSETS_FOLDER = 'assets';
/** An assets folder is a handful of files; 5000 bounds a walk into something that is not one. */
const MAX_ASSET_FILES = 5000;
/** Folder depth walked under assets/. */
const MAX_ASSET_DEPTH = 8;

interface AssetEntry {
  file: string;
  target: string;
  chmod?: string | undefined;
}

export async function resolveKatacodaAssets(
  dir: string,
  byHost: Record<string, AssetEntry[]>,
  ref: (path: PathKey[]) => SourceRef,
  problems: ProblemList,
): Promise<Asset[]> {
  const hosts = Object.entries(byHost);
  if (hosts.length === 0) return [];
  const assetsDir = join(dir, ASSETS_FOLDER);
  const available = await listFiles(assetsDir, problems, ref([]));
  const assets: Asset[] = [];
  for (const [host, entries] of hosts) {
    if (host !== 'host01' && host !== 'client') {
      problems.warning(
        ref([host]),
        `assets for ${host}: stepwise gives each learner one host, so they are copied there`,
      );
    }
    entries.forEach((entry, i) => {
      const at = ref([host, i]);
      const isMatch = picomatch(entry.file, { dot: false });
      const matches = available.filter((file) => isMatch(file));
      if (matches.length === 0) {
        problems.warning(at, `asset '${entry.file}' matches no file in ${ASSETS_FOLDER}/`);
        return;
      }
      const targetDir = homeRelative(entry.target);
      if (posix.isAbsolute(targetDir)) {
        problems.warning(
          at,
          `asset target '${entry.target}' is outside the learner's working directory; the local backend cannot place files there`,
        );
      }
      for (const file of matches) {
        const asset: Asset = { file: join(assetsDir, file), target: posix.join(targetDir, posix.basename(file)) };
        if (entry.chmod !== undefined) asset.chmod = entry.chmod;
        assets.push(asset);
      }
    });
  }
  return assets;
}

/** Killercoda's home (~) is the learner's working directory here. */
function homeRelative(target: string): string {
  if (target === '~' || target === '~/') return '.';
  if (target.startsWith('~/')) return target.slice(2);
  return target;
}

/** Files under assets/, as '/'-separated paths relative to it. */
async function listFiles(root: string, problems: ProblemList, at: SourceRef): Promise<string[]> {
  const files: string[] = [];
  const walk = async (folder: string, depth: number): Promise<void> => {
    if (depth > MAX_ASSET_DEPTH || files.length >= MAX_ASSET_FILES) return;
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (e: unknown) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // no assets folder: every entry is reported as unmatched
      problems.warning(at, `cannot read ${folder}: ${errorText(e)}`);
      return;
    }
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path, depth + 1);
      else if (entry.isFile() && files.length < MAX_ASSET_FILES) files.push(relative(root, path).split(sep).join('/'));
    }
  };
  await walk(root, 0);
  return files;
}
