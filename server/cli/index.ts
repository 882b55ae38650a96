// The command line's public face: each command registers itself on the program (server/cli.ts builds it).
export { registerServe } from './serve.ts';
export { registerCheck } from './check.ts';
export { registerInspect } from './inspect.ts';
export { registerLint } from './lint.ts';
export { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, exitCodeForSignal } from './exit-codes.ts';
