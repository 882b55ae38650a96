// Stands in, inside the bundled server, for dockerode's optional parts that stepwise never uses: the SSH
// transport (ssh2, which compiles native code at install) and BuildKit sessions (@grpc/grpc-js, protobufjs).
// Loading is harmless; any use throws, naming what is missing.
'use strict';
function unsupported(what) {
  return function () {
    throw new Error(
      `stepwise does not include ${what}: use a unix:// or tcp:// engine address, and no BuildKit sessions`,
    );
  };
}
const handler = {
  get(_target, prop) {
    if (prop === '__esModule') return false;
    return unsupported(`dockerode's ${String(prop)} (SSH transport / BuildKit session)`);
  },
};
module.exports = new Proxy({}, handler);
