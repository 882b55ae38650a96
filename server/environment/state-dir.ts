// Where stepwise keeps per-user state: $XDG_STATE_HOME/stepwise, default ~/.local/state/stepwise.
// Never the lesson folder (DESIGN.md "Security defaults").
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_STATE_HOME;
  // The XDG spec says a relative value is invalid and must be ignored.
  const base = xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.local', 'state');
  return join(base, 'stepwise');
}
