#!/usr/bin/env node
// The installed entry point: runs the bundle in dist/ (shipped in the npm package; built by `npm run build`,
// `npm start` or `npm test` in a clone).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('stepwise: dist/cli.js is missing; run `npm run build` in the stepwise folder first.\n');
  process.exit(2);
}
const { main } = await import(bundle);
await main(process.argv);
