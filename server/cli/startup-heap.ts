// Keeps V8's young generation at its starting size while `stepwise serve` loads, for the idle figure in
// DESIGN.md's performance table (server RSS < 60 MB with one lesson open).
//
// V8 doubles the new space's semi-spaces whenever many objects survive a scavenge. Loading modules looks exactly
// like that (everything a module allocates at load lives on), so by the time the server listens the semi-spaces
// have grown to their 16 MiB maximum: measured on `stepwise serve` with one lesson at a prompt, new space 32 MiB
// reserved and 14.5 MiB resident, holding under 1.5 MiB of live objects. Holding the growth factor at 1 during
// startup keeps it at 1 MiB; restoring V8's default afterwards leaves the running server exactly as it was (a
// flood still grows the new space; V8's memory reducer shrinks it again once idle).
//
// Hazard: the flag is V8's, set at run time with v8.setFlagsFromString. V8 reads it at each growth decision
// (NewSpace::Grow), so setting it later is safe; an unknown flag is ignored, never an error.
import { setFlagsFromString } from 'node:v8';

/** V8's own default for --semi-space-growth-factor (`node --v8-options`): restored once the server is up. */
const V8_DEFAULT_SEMI_SPACE_GROWTH_FACTOR = 2;

/** Stops the new space growing until the returned function is called. */
export function holdYoungGeneration(): () => void {
  setFlagsFromString('--semi-space-growth-factor=1');
  return () => setFlagsFromString(`--semi-space-growth-factor=${V8_DEFAULT_SEMI_SPACE_GROWTH_FACTOR}`);
}
