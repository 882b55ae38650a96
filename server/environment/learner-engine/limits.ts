// Every limit of a learner's own Docker engine, with its unit and the reason for its value.

/** A learner's dockerd answers /_ping within about 1-2 s on a quiet machine (measured: see design notes); this
 * allows for a loaded 2-core machine starting several engines at once (ms). */
export const ENGINE_READY_TIMEOUT_MS = 60_000;
/** How often readiness is probed while an engine starts (ms). */
export const ENGINE_READY_POLL_MS = 100;
/** The dedicated outer dockerd starts in a few seconds with a fresh data root; allow for a busy machine (ms). */
export const OUTER_ENGINE_START_TIMEOUT_MS = 60_000;
/** Grace between SIGTERM and SIGKILL when the outer dockerd stops: it stops containerd and every engine (ms). */
export const OUTER_ENGINE_STOP_GRACE_MS = 15_000;

/** One learner's engine and everything it runs share this memory: an idle engine is about 40 MB, and a
 * lesson's containers (busybox, a redis stand-in) need little more; no learner can push the host into swap (bytes). */
export const ENGINE_MEMORY_LIMIT_BYTES = 1024 * 1024 * 1024;
/** dockerd + containerd + shims use about 25 threads/processes idle; a fork bomb in a learner's container stops
 * here, since the engine's containers stay in the engine container's cgroup. */
export const ENGINE_PIDS_LIMIT = 1024;
/** One CPU per engine at most, so a busy learner leaves the server's other core free (unit: 1e-9 CPUs). */
export const ENGINE_NANO_CPUS = 1_000_000_000;

/** Concurrent connections from one engine to its registry mirror: dockerd pulls at most 3 layers at once per
 * image by default, and a learner may pull a few images in parallel. More are refused, so a learner cannot make
 * the server hold unbounded sockets. */
export const MIRROR_MAX_CONNECTIONS = 16;
/** A mirror connection idle this long is closed, so a learner cannot park sockets on the server (ms). */
export const MIRROR_IDLE_TIMEOUT_MS = 120_000;
/** Longest request head (request line and headers) a learner's engine may send the mirror proxy (bytes): a
 * registry GET with an auth header is well under 8 KiB. */
export const MIRROR_MAX_HEADER_BYTES = 16 * 1024;
/** The port the mirror proxy listens on inside each engine's own network namespace (loopback only there). */
export const MIRROR_PROXY_PORT = 5000;
/** The helper that opens the proxy's socket in the engine's network namespace is one short node process (ms). */
export const NETNS_HELPER_TIMEOUT_MS = 30_000;

/** The probe starts one engine and runs one container in it: a few seconds, more on a loaded machine (ms). */
export const PROBE_TIMEOUT_MS = 120_000;
/** An engine API call that should answer at once (inspect, list, remove) on a loaded machine (ms). */
export const ENGINE_CALL_TIMEOUT_MS = 30_000;
