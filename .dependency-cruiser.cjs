// The layer boundaries of DESIGN.md ("Layout"), enforced by `npm run deps` (and so by `npm test`).
// Layers, bottom to top. A folder under server/ imports only folders in lower layers, only through their index.ts;
// folders in the same layer do not import each other. Folders that do not exist yet (environment, class) have their
// rules already, so the first file written there is held to them.
const LAYERS = [
  ['protocol', 'core'],
  ['lesson'],
  ['environment'],
  ['checks'],
  ['terminal'],
  ['check-runner', 'class'],
  ['http'],
  ['cli'],
];

/** Escapes a folder name for use inside a regular expression. */
const re = (name) => name.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
const anyOf = (names) => `(${names.map(re).join('|')})`;

const layerRules = LAYERS.flatMap((layer, level) => {
  const below = LAYERS.slice(0, level).flat();
  return layer.map((folder) => ({
    name: `layer-${folder}`,
    comment:
      below.length === 0
        ? `server/${folder} is in the bottom layer: it imports nothing else in server/.`
        : `server/${folder} imports only the layers below it: ${below.join(', ')}.`,
    severity: 'error',
    from: { path: `^server/${re(folder)}/` },
    to: {
      path: '^server/',
      pathNot: below.length === 0 ? `^server/${re(folder)}/` : `^server/(${re(folder)}|${anyOf(below)})/`,
    },
  }));
});

/** Pure leaf modules with no heavy imports, which the CLI may load on its own (docs/design-notes.md, Environments). */
const CLI_LIGHT_LEAVES = [
  '^server/environment/names\\.ts$',
  '^server/environment/learner-engine/levels\\.ts$',
  '^server/protocol/errors\\.ts$',
  '^server/http/auth\\.ts$',
  '^server/core/errors\\.ts$',
  '^server/terminal/limits\\.ts$',
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycles',
      // Between the layer folders of server/ (their subfolders are each layer's own business). The layer rules below
      // forbid every upward import, so they catch such a cycle too; this rule names it as what it is.
      comment: 'Layer folders depend on each other in one direction only: a cycle means a piece is in the wrong layer.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^server/[^/]+$' },
      to: { path: '^server/[^/]+$', circular: true },
    },
    ...layerRules,
    {
      name: 'only-through-index',
      comment: "A folder's public face is its index.ts: import another server/ folder only through it.",
      severity: 'error',
      from: { path: '^server/([^/]+)/', pathNot: '^server/cli/' },
      to: { path: '^server/[^/]+/.', pathNot: ['^server/$1/', '^server/[^/]+/index\\.ts$'] },
    },
    {
      name: 'cli-through-index-or-light-leaf',
      comment:
        'The CLI imports other folders through their index.ts, or one of the light leaf modules named here, so that ' +
        '`stepwise --help`, lint and inspect start without loading zod, node-pty, dockerode or express.',
      severity: 'error',
      from: { path: '^server/cli/' },
      to: { path: '^server/(?!cli/)[^/]+/.', pathNot: ['^server/[^/]+/index\\.ts$', ...CLI_LIGHT_LEAVES] },
    },
    {
      name: 'cli-entry-only-cli',
      comment: 'server/cli.ts is the entry point: it only hands over to server/cli/.',
      severity: 'error',
      from: { path: '^server/cli\\.ts$' },
      to: { path: '^server/', pathNot: '^server/cli/' },
    },
    {
      name: 'client-only-protocol',
      comment:
        'The browser app shares only the wire protocol (pure types and codecs), through server/protocol/index.ts.',
      severity: 'error',
      from: { path: '^client/' },
      to: { path: '^server/', pathNot: '^server/protocol/index\\.ts$' },
    },
    {
      name: 'no-tests-in-production',
      comment: 'Shipped code never imports tests, the test harness or benchmarks.',
      severity: 'error',
      from: { path: '^(server|client)/', pathNot: '\\.test\\.ts$' },
      to: { path: ['^(test|bench)/', '\\.test\\.ts$'] },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve is a broken build waiting to happen.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|test/fixtures|test/artifacts)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
