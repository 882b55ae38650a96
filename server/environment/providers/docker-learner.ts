// Who the learner is inside a container: the same user in the stepwise/shell image, in the container's config,
// in every exec and on every file stepwise copies in.
export const LEARNER_UID = 1000;
export const LEARNER_GID = 1000;
export const LEARNER_NAME = 'learner';
/** The learner's home and working directory; SessionEnv.workdir on the docker backend. */
export const LEARNER_HOME = '/home/learner';
/** `uid:gid` as the Engine API's User field takes it. */
export const LEARNER_USER = `${LEARNER_UID}:${LEARNER_GID}`;
export const SHELL_PATH = '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin';
