// The core library's public face: what checks, the CLI and the image explorer use. Everything else in
// server/core is private to it.
export { inspect, inspectStream, type ByteSourceOpener } from './inspect.ts';
export type { ByteSource } from './compress/stream.ts';
export { listTar, type ListTarOptions } from './list-tar.ts';
export { dockerEngineSource, dockerClient, DOCKER_SCHEME, DEFAULT_DOCKER_SOCKET } from './engine.ts';
export { CoreError, isCoreError, type CoreErrorCode } from './errors.ts';
export { toInspectJson, INSPECT_JSON_SCHEMA_VERSION, type InspectJson, type InspectJsonOptions } from './json.ts';
export { DEFAULT_LIMITS, type Limits } from './limits.ts';
export type * from './model.ts';
