// The terminal-flood suite again, on the docker backend against the wrapper's engine (issue 4, "Done when" 6).
import { ENV_TEST_BACKEND } from '../harness/terminal-backend.ts';

process.env[ENV_TEST_BACKEND] = 'docker';
await import('../terminal-flood.test.ts');
