// Ending one unit of work inside a container (a terminal's shell, an exec and everything they started) without
// ending the container. Docker has no "kill this exec" call, and closing an exec's stream leaves its process
// running, so stepwise marks each exec with an environment variable and kills, from a second exec, every process
// that carries the mark and every process in the same session as one that does (which catches `exec env -i …`
// in an interactive shell, since exec keeps the pid and the session).
import { randomUUID } from 'node:crypto';
import type Docker from 'dockerode';
import { BackendError } from '../backend.ts';
import { LEARNER_USER } from './docker-learner.ts';
import { engineMessage, isEngineStatus } from './docker-engine.ts';

/** The environment variable that marks every process of one exec. Its value is a random unit id. */
export const UNIT_ENV = 'STEPWISE_UNIT';

export function newUnitId(): string {
  return randomUUID();
}

/**
 * bash: $1 is the unit id, $2 the most rounds. Repeats scan-and-kill until a scan kills nothing, so a child
 * forked between a scan and its parent's death is caught by the next round; gives up after $2 rounds (a fork
 * bomb is bounded by the container's pids limit, and destroy() ends the container anyway).
 * /proc/PID/stat is "pid (comm) state ppid pgrp session …"; comm may hold spaces and ')', so fields are taken
 * after the last ") ". Zombies (state Z) are skipped: they are dead already and only wait for a reaper.
 */
const KILL_UNIT_SCRIPT = [
  'rounds=$2',
  'mark="$UNIT_ENV_NAME=$1"',
  "close_paren=') '",
  'for ((round = 0; round < rounds; round++)); do',
  '  declare -A marked_sessions=() session_of=()',
  '  for dir in /proc/[0-9]*; do',
  '    pid=${dir#/proc/}',
  '    [ "$pid" = "$BASHPID" ] || [ "$pid" = 1 ] && continue',
  '    IFS= read -r stat < "$dir/stat" 2>/dev/null || continue',
  '    set -- ${stat##*"$close_paren"}',
  '    [ "$1" = Z ] && continue',
  '    session_of[$pid]=$4',
  "    while IFS= read -r -d '' kv; do",
  '      if [ "$kv" = "$mark" ]; then marked_sessions[$4]=1; break; fi',
  '    done < "$dir/environ" 2>/dev/null',
  '  done',
  '  killed=0',
  '  for pid in "${!session_of[@]}"; do',
  '    if [ -n "${marked_sessions[${session_of[$pid]}]}" ]; then kill -KILL "$pid" 2>/dev/null && killed=1; fi',
  '  done',
  '  unset marked_sessions session_of',
  '  [ "$killed" = 0 ] && exit 0',
  'done',
  'exit 0',
]
  .join('\n')
  .replace('$UNIT_ENV_NAME', UNIT_ENV);

/** Scan rounds before giving up; each round kills everything it sees, so one or two are normal. */
const KILL_ROUNDS = 20;

/**
 * Kills every process of `unitId` in the container. Resolves when the killing exec has finished; a container
 * that is gone or stopped already counts as done.
 */
export async function killUnit(docker: Docker, containerId: string, unitId: string): Promise<void> {
  try {
    const exec = await docker.getContainer(containerId).exec({
      Cmd: ['bash', '-c', KILL_UNIT_SCRIPT, 'stepwise-kill', unitId, String(KILL_ROUNDS)],
      User: LEARNER_USER,
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = await exec.start({ hijack: true, stdin: false });
    await new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', resolve); // the stream only tells us the killer finished; its errors change nothing
      stream.resume();
    });
    stream.destroy();
  } catch (err) {
    // 404: the container is gone; 409: it is stopped or paused. Either way nothing of the unit is running.
    if (isEngineStatus(err, 404) || isEngineStatus(err, 409)) return;
    throw new BackendError(
      'EXEC_FAILED',
      `could not stop a process in container ${containerId.slice(0, 12)}: ${engineMessage(err)}`,
    );
  }
}
