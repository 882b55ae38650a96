// Step ids: the slug of the title, de-duplicated within a lesson.

/** Long titles make unwieldy ids and URLs; 60 characters keep them readable. */
const MAX_SLUG_LENGTH = 60;

export function slugify(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // combining marks left by NFKD: "é" -> "e"
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/^-+|-+$/g, '');
}

/** Hands out unique slugs: "setup", "setup-2", "setup-3"... An empty slug falls back to `fallback`. */
export class SlugAllocator {
  private readonly used = new Set<string>();

  next(title: string, fallback: string): string {
    const base = slugify(title) || fallback;
    let candidate = base;
    for (let n = 2; this.used.has(candidate); n++) candidate = `${base}-${n}`;
    this.used.add(candidate);
    return candidate;
  }
}
