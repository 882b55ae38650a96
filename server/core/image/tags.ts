// Tags as people write them: RepoTags as they are; an io.containerd.image.name in its familiar form
// ("docker.io/library/busybox:latest" → "busybox:latest"); else org.opencontainers.image.ref.name as written.

export const CONTAINERD_NAME = 'io.containerd.image.name';
export const OCI_REF_NAME = 'org.opencontainers.image.ref.name';

export function familiarName(ref: string): string {
  const rest = ref.startsWith('docker.io/') ? ref.slice('docker.io/'.length) : ref;
  return rest.startsWith('library/') && !rest.slice('library/'.length).includes('/')
    ? rest.slice('library/'.length)
    : rest;
}

/** Tags from descriptor annotations, outermost first: the first set that names the image wins. */
export function tagsFromAnnotations(...sets: (Record<string, string> | null | undefined)[]): string[] {
  for (const a of sets) {
    const name = a?.[CONTAINERD_NAME];
    if (name) return [familiarName(name)];
  }
  for (const a of sets) {
    const ref = a?.[OCI_REF_NAME];
    if (ref) return [ref];
  }
  return [];
}
