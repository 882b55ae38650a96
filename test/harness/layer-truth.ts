// Ground truth for reading one path out of an image, computed without stepwise: Python's tarfile (with the zstd
// CLI for zstd layers) opens the archive or layout folder, follows manifest.json or index.json to the first
// image, and reports for every layer whether it writes the path (and the bytes it writes) or removes it with a
// whiteout or an opaque marker. expectedFile() applies the OCI rules in a few lines, so tests compare the library
// against an independent reading of the same bytes.
import { execFileSync } from 'node:child_process';
import { z } from 'zod';

const SCRIPT = String.raw`
import base64, io, json, os, posixpath, subprocess, sys, tarfile
src, want = sys.argv[1], posixpath.normpath(sys.argv[2]).lstrip('/')
if os.path.isdir(src):
    def read(name):
        with open(os.path.join(src, name), 'rb') as f:
            return f.read()
else:
    outer = tarfile.open(src)
    members = {posixpath.normpath(m.name).lstrip('/'): m for m in outer.getmembers()}  # "./index.json" too
    def read(name):
        m = members[name]
        for _ in range(16):
            if not m.issym():
                break
            m = members[posixpath.normpath(posixpath.join(posixpath.dirname(posixpath.normpath(m.name)), m.linkname))]
        return outer.extractfile(m).read()
def blob(digest):
    return 'blobs/' + digest.replace(':', '/')
try:
    layers = json.loads(read('manifest.json'))[0]['Layers']
except (KeyError, FileNotFoundError):
    doc = {'manifests': json.loads(read('index.json'))['manifests']}
    while 'manifests' in doc:
        doc = json.loads(read(blob(doc['manifests'][0]['digest'])))
    layers = [blob(l['digest']) for l in doc['layers']]
parts = want.split('/')
prefixes = ['/'.join(parts[:i]) for i in range(1, len(parts) + 1)]
whiteouts = {posixpath.join(posixpath.dirname(p), '.wh.' + posixpath.basename(p)) for p in prefixes}
opaques = {posixpath.join(p, '.wh..wh..opq') for p in ([''] + prefixes[:-1])}
out = []
for ref in layers:
    data = read(ref)
    if data[:4] == b'\x28\xb5\x2f\xfd':  # zstd, which tarfile cannot open: the zstd CLI decompresses it
        data = subprocess.run(['zstd', '-dc'], input=data, stdout=subprocess.PIPE, check=True).stdout
    layer = tarfile.open(fileobj=io.BytesIO(data), mode='r:*')
    row = {'writes': False, 'removes': False, 'type': None, 'content': None, 'linkname': None}
    for m in layer.getmembers():
        name = posixpath.normpath(m.name).lstrip('/')
        if name in whiteouts or name in opaques:
            row['removes'] = True
        if name == want:
            row['writes'] = True
            row['type'] = 'file' if m.isfile() else 'dir' if m.isdir() else 'symlink' if m.issym() else 'hardlink' if m.islnk() else 'other'
            row['linkname'] = m.linkname or None
            f = layer.extractfile(m) if (m.isfile() or m.islnk()) else None
            row['content'] = base64.b64encode(f.read()).decode() if f else None
    out.append(row)
print(json.dumps(out))
`;

const LayerRow = z.object({
  writes: z.boolean(),
  removes: z.boolean(),
  type: z.enum(['file', 'dir', 'symlink', 'hardlink', 'other']).nullable(),
  content: z.string().nullable(),
  linkname: z.string().nullable(),
});
export type LayerRow = z.infer<typeof LayerRow>;

/** Per layer, in order: does it write `path` (and what), or remove it (a whiteout of it or an ancestor, an opaque ancestor)? */
export function layerTruth(source: string, path: string): LayerRow[] {
  const out = execFileSync('python3', ['-c', SCRIPT, source, path], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return z.array(LayerRow).parse(JSON.parse(out));
}

export interface ExpectedFile {
  found: boolean;
  layer: number;
  row: LayerRow | null;
  content: Buffer | null; // a regular file's (or a hardlink's target's) bytes
}

/**
 * The OCI rules over the rows: a layer's whiteouts act on lower layers only, so within a layer removal comes
 * first and the layer's own write, if any, stands; the last writer wins.
 */
export function expectedFile(rows: readonly LayerRow[]): ExpectedFile {
  let found: ExpectedFile = { found: false, layer: -1, row: null, content: null };
  rows.forEach((row, layer) => {
    if (row.removes) found = { found: false, layer: -1, row: null, content: null };
    if (row.writes)
      found = { found: true, layer, row, content: row.content === null ? null : Buffer.from(row.content, 'base64') };
  });
  return found;
}
