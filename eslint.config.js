// `npm run lint`: typescript-eslint's strictTypeChecked over every TypeScript file, with type information from the
// two tsconfigs (tsconfig.json: server, test, bench and the client's unit tests; client/tsconfig.json: the browser
// app). Plain JavaScript (build script, bin, configs) gets the untyped recommended rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', 'test/fixtures/', 'test/artifacts/', 'bench/out/', '.stepwise-tmp/'],
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    extends: [js.configs.recommended],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', module: 'writable', require: 'readonly' },
    },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: {
        // Each file is typed by the first of these projects that includes it.
        project: ['./tsconfig.json', './client/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // node:test's test/describe/it/before/after return promises the runner itself awaits and reports on.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite', 'before', 'after'] },
            { from: 'package', package: 'node:test', name: ['beforeEach', 'afterEach'] },
          ],
        },
      ],
      // Numbers and booleans print plainly in messages; objects, nullish values and unions with them stay errors.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // `() => el.remove()` and `onX(() => void …)` are the house idiom for listeners; a void in a value spot still fails.
      '@typescript-eslint/no-confusing-void-expression': [
        'error',
        { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true },
      ],
      // `!` marks a lookup the compiler cannot follow (Map.get after has, a matched regex group); a wrong one throws.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // express's Request and dockerode's streams are interfaces over Node's classes; the rule cannot see that a
      // middleware's req is the IncomingMessage it was built from, so it flags every hand-off to express's own parsers.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      // Indexed access carries `!` as if noUncheckedIndexedAccess were on (it is not yet); this rule would strip them.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // Boundary code checks what the types promise (DOM lookups, node callbacks, exhaustive-switch guards) on purpose.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // Methods stay async to satisfy promise-returning interfaces, so a throw inside becomes a rejection.
      '@typescript-eslint/require-await': 'off',
      // Unsetting a variable in an env record (process.env, a child's env) is what `delete` is for.
      '@typescript-eslint/no-dynamic-delete': 'off',
      // Rethrowing what a catch or a stream's 'error' gave us (typed unknown) is fine; literals and null still fail.
      '@typescript-eslint/only-throw-error': ['error', { allowThrowingUnknown: true }],
      // A leading underscore names a parameter kept for a signature, or a property destructured away.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
);
