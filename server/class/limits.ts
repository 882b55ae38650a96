// Limits of a class (DESIGN.md "Classes"). Each is a named constant with its unit and reason.

/** Longest learner name (characters, after NFC and trimming): fits a grid row and a CSV cell. */
export const MAX_LEARNER_NAME_CHARS = 40;
/** Learners one class admits by default: the 30-learner target with headroom; `--max-learners` overrides. */
export const DEFAULT_MAX_LEARNERS = 100;
/** Longest failure reason kept per step (characters): a hover in the grid, not a transcript. */
export const MAX_FAILURE_REASON_CHARS = 500;
/** Longest class name (characters): it is printed and shown on the instructor's page. */
export const MAX_CLASS_NAME_CHARS = 100;
/** Learner secret size (bytes of randomness, 256 bits): unguessable, so a plain sha256 of it is a safe record. */
export const LEARNER_SECRET_BYTES = 32;
/** Learner id size (bytes of randomness): unique in a class, and reveals nothing about the secret. */
export const LEARNER_ID_BYTES = 9;
