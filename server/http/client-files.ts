// Where the built browser app (dist/client, written by `npm run build`) is, from source or from the bundle.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** dist/client beside the bundle (dist/cli.js or a chunk in dist/chunks/), or under the package root from source. */
export function findClientDir(): string | null {
  const candidates = ['./client/', '../client/', '../../dist/client/'].map((rel) => new URL(rel, import.meta.url));
  for (const url of candidates) {
    const dir = fileURLToPath(url);
    if (existsSync(`${dir}index.html`)) return dir;
  }
  return null;
}
