// Backend names, apart from the backends themselves, so the CLI can list them without loading node-pty.
import type { BackendName } from '../backend.ts';

export const BACKEND_NAMES: readonly BackendName[] = ['local', 'docker'];

export function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name);
}
