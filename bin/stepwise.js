#!/usr/bin/env node
// The installed entry point: runs the bundle that `npm install` (prepare → build) writes to dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('stepwise: dist/cli.js is missing; run `npm run build` in the stepwise folder first.\n');
  process.exit(2);
}
const { main } = await import(bundle);
await main(process.argv);
