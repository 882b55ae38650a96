// Keeps V8 from sizing itself for a throughput workload while `stepwise serve` loads, for the idle figure in
// DESIGN.md's performance table (server RSS < 60 MB with one lesson open).
//
// Loading modules looks to V8 like hot, allocation-heavy code, and it answers in two ways that cost memory for
// the rest of the process's life:
//  - it doubles the new space's semi-spaces whenever many objects survive a scavenge (everything a module
//    allocates at load lives on). Measured on `stepwise serve` with one lesson at a prompt: new space 32 MiB
//    reserved and 14.5 MiB resident, holding under 1.5 MiB of live objects. Holding the growth factor at 1
//    keeps it at 1 MiB.
//  - it optimizes functions that ran a few times at load with TurboFan, on its compiler threads. The first
//    TurboFan compile pages in about 3.5 MiB of the compiler's own code (file pages of the node binary) and
//    leaves 3-6 MiB of malloc arenas on the threads that ran it; none of that code runs again once the server
//    listens. Measured: 71.9 MiB idle before, 65.4 MiB with TurboFan held off until the server listens.
// Both are restored once the server is up, so the running server is exactly as before: a flood still grows the
// new space and still gets optimized code.
//
// Hazard: the flags are V8's, set at run time with v8.setFlagsFromString. V8 reads both at each decision
// (NewSpace::Grow; the tiering manager before it queues a compile), so setting them later is safe; an unknown
// flag is ignored, never an error. A user's own flags for the same things win: then nothing is held.
import { setFlagsFromString } from 'node:v8';

/** V8's own default for --semi-space-growth-factor (`node --v8-options`): restored once the server is up. */
const V8_DEFAULT_SEMI_SPACE_GROWTH_FACTOR = 2;
/** Node or V8 flags that say the user chose the heap sizing or the compiler tiers themselves. */
const USER_TUNING = /--(no-)?(turbofan|opt|jitless|lite-mode|max-lazy)\b|semi-space/;

/** Holds the new space at its size and TurboFan off until the returned function is called. */
export function holdStartupTuning(): () => void {
  const userFlags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ');
  if (USER_TUNING.test(userFlags)) return () => {};
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--no-turbofan');
  let released = false;
  return () => {
    if (released) return;
    released = true;
    setFlagsFromString(`--semi-space-growth-factor=${V8_DEFAULT_SEMI_SPACE_GROWTH_FACTOR}`);
    setFlagsFromString('--turbofan');
  };
}
