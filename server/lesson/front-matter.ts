// YAML front matter at the top of a markdown file: `---` on line 1, YAML, then `---` (or `...`).
export interface FrontMatterSplit {
  /** The YAML text, or null when the file has no front matter. */
  yaml: string | null;
  /** 1-based file line of the YAML's first line. */
  yamlLine: number;
  /** 0-based index of the first body line. */
  bodyStart: number;
  /** Set when a `---` opens front matter that never closes; the whole file is then read as body. */
  unclosed: boolean;
}

export function splitFrontMatter(lines: readonly string[]): FrontMatterSplit {
  const none = { yaml: null, yamlLine: 1, bodyStart: 0, unclosed: false };
  if ((lines[0] ?? '').trimEnd() !== '---') return none;
  for (let i = 1; i < lines.length; i++) {
    const line = (lines[i] ?? '').trimEnd();
    if (line === '---' || line === '...') {
      return { yaml: lines.slice(1, i).join('\n'), yamlLine: 2, bodyStart: i + 1, unclosed: false };
    }
  }
  return { ...none, unclosed: true };
}
