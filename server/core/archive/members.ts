// Looking up the members a manifest names, inside the archive only. Symlinked members (Docker dedups identical
// layers with "<id>/layer.tar -> ../<other>/layer.tar"; skopeo links "<id>/layer.tar" to "<diffid>.tar") and
// hardlinked ones are followed, component by component, up to maxSymlinkHops.
import type { BlobScan } from '../blob-scan.ts';
import { CoreError } from '../errors.ts';
import type { Limits } from '../limits.ts';
import type { ArchiveContents, Member } from './read-archive.ts';

/** Splits an archive-relative reference; '..' above the root or an absolute path is an escape. */
function splitReference(ref: string, base: readonly string[], what: string): string[] {
  if (ref.startsWith('/')) throw new CoreError('TAR_PATH_ESCAPE', `${what} "${ref}" is an absolute path`);
  const parts = [...base];
  for (const part of ref.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) throw new CoreError('TAR_PATH_ESCAPE', `${what} "${ref}" leads out of the archive`);
      parts.pop();
    } else parts.push(part);
  }
  return parts;
}

export function resolveMember(contents: ArchiveContents, ref: string, limits: Limits, what: string): Member {
  let parts = splitReference(ref, [], what);
  let hops = 0;
  const hop = (): void => {
    if (++hops > limits.maxSymlinkHops) {
      throw new CoreError(
        'SYMLINK_HOPS',
        `${what} "${ref}" takes more than ${limits.maxSymlinkHops} symlink hops in ${contents.label}`,
      );
    }
  };
  restart: for (;;) {
    for (let i = 0; i < parts.length; i++) {
      const last = i === parts.length - 1;
      const member = contents.members.get(parts.slice(0, i + 1).join('/'));
      if (!member) {
        if (last) break;
        continue; // tars need not list parent directories
      }
      const { kind, linkTarget = '' } = member.entry;
      if (kind === 'symlink') {
        hop();
        const link = `symlink ${member.rel} (for ${what})`;
        parts = [...splitReference(linkTarget, parts.slice(0, i), link), ...parts.slice(i + 1)];
        continue restart;
      }
      if (kind === 'hardlink' && last) {
        hop();
        if (linkTarget.startsWith('/') || linkTarget.split('/').includes('..')) {
          throw new CoreError(
            'TAR_LINK_ESCAPE',
            `hardlink ${member.rel} in ${contents.label} points outside the archive`,
          );
        }
        parts = splitReference(linkTarget, [], `hardlink ${member.rel}`);
        continue restart;
      }
      if (last) return member;
    }
    throw new CoreError('MEMBER_MISSING', `${what} "${ref}" is not in ${contents.label}`);
  }
}

/** The bytes of a JSON member (manifest.json, a config, an OCI manifest). */
export function memberJson(contents: ArchiveContents, ref: string, limits: Limits, what: string): Buffer {
  const member = resolveMember(contents, ref, limits, what);
  if (member.json) return member.json;
  const { kind, size } = member.entry;
  if (kind !== 'file')
    throw new CoreError('MANIFEST_INVALID', `${what} "${ref}" in ${contents.label} is a ${kind}, not a file`);
  if (size > limits.maxJsonBytes) {
    throw new CoreError(
      'MANIFEST_INVALID',
      `${what} "${ref}" is ${size} bytes, over the ${limits.maxJsonBytes}-byte limit for JSON`,
    );
  }
  if (member.jsonDropped) {
    throw new CoreError(
      'MANIFEST_INVALID',
      `${what} "${ref}" was not kept: metadata members exceed ${limits.maxMetadataBytes} bytes in total`,
    );
  }
  if (size === 0) throw new CoreError('MANIFEST_INVALID', `${what} "${ref}" is empty`);
  throw new CoreError('MANIFEST_INVALID', `${what} "${ref}" in ${contents.label} is not JSON`);
}

/** A member read as a layer; its tar error, if any, is raised now that it is known to be one. */
export function memberLayer(contents: ArchiveContents, ref: string, limits: Limits, what: string): BlobScan {
  const member = resolveMember(contents, ref, limits, what);
  if (member.entry.kind !== 'file')
    throw new CoreError(
      'MEMBER_MISSING',
      `${what} "${ref}" in ${contents.label} is a ${member.entry.kind}, not a file`,
    );
  if (member.notTar)
    throw new CoreError(
      member.notTar.code,
      `${what} "${ref}" in ${contents.label} is not a tar: ${member.notTar.reason}`,
    );
  if (!member.scan) throw new CoreError('TAR_TRUNCATED', `${what} "${ref}" in ${contents.label} is empty`);
  if (member.scan.error) throw member.scan.error;
  return member.scan;
}
