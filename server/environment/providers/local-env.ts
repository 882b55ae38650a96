// The environment of everything the local backend runs for a learner: the shell in its pty, `setup`, `command:`
// and `script:` checks, the glob and tar probes, and what `stepwise check` runs. Built here and only here.
//
// Hazard: the local backend is a full shell on this machine as the server's user. The server's own environment
// may hold cloud credentials, tokens, proxy and package-manager settings; none of it is passed on. The shell
// gets a short list of variables named below, then the lesson's own, and nothing else.
import { userInfo } from 'node:os';

/** PATH when the server has none: the usual Debian one. */
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** LANG when the server has none: UTF-8 without a language, present on every glibc system. */
const DEFAULT_LANG = 'C.UTF-8';
/** The terminal the browser draws (xterm.js): 256 colours and truecolor. */
const TERMINAL = { TERM: 'xterm-256color', COLORTERM: 'truecolor' } as const;
/** Locale variables (LANGUAGE, LC_*) are copied from the server when set: how text looks, never a secret. */
const LOCALE_VAR = /^(LANGUAGE|LC_[A-Z]+)$/;

export interface LocalShellEnvOptions {
  /** The server's environment: only PATH, LANG and the locale variables are read from it. */
  serverEnv: NodeJS.ProcessEnv;
  /** The learner's working directory, which is also their HOME (`cd ~` lands where the checks look). */
  workdir: string;
  /** The engine the shell and the checks share, exported as DOCKER_HOST; null for none. */
  dockerHost: string | null;
  /** Marks every process of the session, for killing and reaping: [name, value]. */
  sessionMarker: readonly [string, string];
  /** The lesson's own variables; they win over everything above except the session marker. */
  lessonEnv?: Readonly<Record<string, string>>;
}

export function localShellEnvironment(opts: LocalShellEnvOptions): Record<string, string> {
  const { serverEnv } = opts;
  const user = userInfo().username;
  const env: Record<string, string> = {
    HOME: opts.workdir,
    PATH: serverEnv.PATH || DEFAULT_PATH,
    LANG: serverEnv.LANG || DEFAULT_LANG,
    USER: user, // who the shell runs as, from the passwd entry, not from the server's variables
    LOGNAME: user,
    ...TERMINAL,
  };
  for (const [name, value] of Object.entries(serverEnv)) {
    if (value !== undefined && LOCALE_VAR.test(name)) env[name] = value;
  }
  if (opts.dockerHost) env.DOCKER_HOST = opts.dockerHost; // the shell and the checks see the same daemon
  Object.assign(env, opts.lessonEnv);
  const [markerName, markerValue] = opts.sessionMarker;
  env[markerName] = markerValue; // last: a lesson cannot unmark its processes and escape the reaper
  return env;
}
