// The engine names an archive's members by the basename of the path asked for (`GET …/archive?path=/home/
// learner/out/a.txt` gives `a.txt`); the local backend names them as the path was given (`out/a.txt`, or
// `etc/passwd` for `/etc/passwd`, `.` for the working directory). This re-packs the engine's tar with the local
// naming, so checks see the same archive on both backends. Contents stream through; nothing is buffered whole.
import type { Readable } from 'node:stream';
import { posix } from 'node:path';
import tar from 'tar-stream';
import { nodeReadable } from './docker-tar.ts';
import type { TarHeader } from './docker-tar.ts';
import { BackendError } from '../backend.ts';

/**
 * The member name the local backend uses for `path` (as the caller gave it): relative paths normalised, with
 * leading `../` dropped like GNU tar does; absolute paths without their leading `/`; the root or workdir is `.`.
 */
export function localMemberName(path: string): string {
  if (path.startsWith('/')) return posix.normalize(path).slice(1).replace(/\/+$/, '') || '.';
  const normal = posix
    .normalize(path)
    .replace(/\/+$/, '')
    .replace(/^(\.\.\/)+/, '');
  return normal === '..' || normal === '' ? '.' : normal;
}

/** Renames `from` (and everything under `from/`) to `to`, in names and in hard-link targets. */
export function renameMember(name: string, from: string, to: string): string | null {
  if (name === from || name === `${from}/`) return to + name.slice(from.length);
  if (name.startsWith(`${from}/`)) return to + name.slice(from.length);
  return null;
}

export function renameTarMembers(source: Readable, from: string, to: string): Readable {
  if (from === to) return source;
  const extract = tar.extract();
  const pack = tar.pack();
  const fail = (err: Error) => {
    pack.destroy(err);
    extract.destroy();
    source.destroy();
  };
  source.on('error', fail);
  extract.on('error', fail);
  pack.on('close', () => {
    // The reader stopped early (checks read only the first member): release the engine's connection too.
    extract.destroy();
    source.destroy();
  });
  extract.on('entry', (header, body, next) => {
    const name = renameMember(header.name, from, to);
    if (name === null) {
      fail(
        new BackendError(
          'EXEC_FAILED',
          `the engine's archive of ${from} holds an unexpected member ${JSON.stringify(header.name)}`,
        ),
      );
      return;
    }
    const renamed: TarHeader = { ...header, name };
    if (header.type === 'link' && header.linkname)
      renamed.linkname = renameMember(header.linkname, from, to) ?? header.linkname;
    // When the reader stops early, pack destroys this entry's sink and the pipe destroys `body` with
    // PREMATURE_CLOSE: streamx emits that as an event, which would be thrown (and end the server) unheard.
    body.on('error', fail);
    body.pipe(pack.entry(renamed, (err) => (err ? fail(err) : next())));
  });
  extract.on('finish', () => pack.finalize());
  source.pipe(extract);
  return nodeReadable(pack);
}
