// Where the built browser app (dist/client, written by `npm run build`) is, from source or from the bundle.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** dist/client beside the bundle (dist/cli.js), or under the package root when run from source. */
export function findClientDir(): string | null {
  const candidates = [new URL('./client/', import.meta.url), new URL('../../dist/client/', import.meta.url)];
  for (const url of candidates) {
    const dir = fileURLToPath(url);
    if (existsSync(`${dir}index.html`)) return dir;
  }
  return null;
}
