// The providers' names, apart from the providers themselves: the CLI validates --backend with these before it
// loads anything heavy (importing the providers loads node-pty and dockerode, over a second on a slow machine).
export type BackendName = 'local' | 'docker';

export const BACKEND_NAMES: readonly BackendName[] = ['local', 'docker'];

export function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name);
}
