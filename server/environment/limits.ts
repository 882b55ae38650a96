// Limits for reaching into a learner's environment: reading its files, listing its globs, provisioning it.
// Each bounds what an environment can make the server read, copy or wait for.

/** Paths a glob may expand to before the listing stops: keeps a check bounded in a huge working directory. */
export const MAX_GLOB_CANDIDATES = 50_000;
/** Bytes copied out of the environment to a private temp dir for `tar`/`image` checks (16 GiB): a disk guard. */
export const MAX_MATERIALIZE_BYTES = 16 * 1024 ** 3;
/** Symlinks followed when a `tar`/`image`/`file` target is a link: more is a loop or a trick. */
export const MAX_SYMLINK_HOPS = 8;
/** Listing a glob, reading a small file or cleaning up a script's folder through `exec`, in ms. */
export const ENV_PROBE_TIMEOUT_MS = 20_000;
/** Bytes of a script's $VERIFICATION_FAILURE_REASON file read back: a reason is a line or two. */
export const MAX_REASON_FILE_BYTES = 1024 * 1024;
/** Setup commands each get this long (ms) when no caller says otherwise: they may remove images or pull. */
export const SETUP_COMMAND_TIMEOUT_MS = 5 * 60_000;
/** Background and foreground scripts each get this long (ms) in a live session; `stepwise check` passes its own. */
export const SCRIPT_TIMEOUT_MS = 5 * 60_000;

/**
 * Input waiting for the pty above which write() says "stop" (bytes, 1 MiB): a big paste goes in at once, and a
 * client that floods a shell which never reads costs the server this much, not the flood's size.
 */
export const PTY_INPUT_QUEUE_MAX_BYTES = 1024 * 1024;

/** stdout and stderr of an exec are each kept up to this many bytes (4 MiB), on every provider: checks read
 *  verdicts, not floods. */
export const EXEC_OUTPUT_CAP_BYTES = 4 * 1024 * 1024;
