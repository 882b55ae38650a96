// Turning zod validation issues into file:line problems with messages written for lesson authors.
import type { z } from 'zod';
import type { SourceRef } from './model.ts';
import type { ProblemList } from './problems.ts';
import type { PathKey } from './yaml-source.ts';

export interface IssueContext {
  /** What is being validated, e.g. "file check" or "front matter". */
  subject: string;
  /** Where a path (relative to the validated value) is in the file: `which` = the key itself or its value. */
  where: (path: readonly PathKey[], which: 'key' | 'value') => SourceRef;
  /** The keys allowed at `path`, listed in "unknown field" messages. */
  allowedKeys?: (path: readonly PathKey[]) => readonly string[];
}

export function reportZodIssues(issues: readonly z.core.$ZodIssue[], ctx: IssueContext, problems: ProblemList): void {
  for (const issue of issues) {
    const path = issue.path.filter((k): k is PathKey => typeof k !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const allowed = ctx.allowedKeys?.(path) ?? [];
      const hint = allowed.length > 0 ? ` (allowed: ${allowed.join(', ')})` : '';
      for (const key of issue.keys) {
        problems.error(ctx.where([...path, key], 'key'), `unknown field '${pathText([...path, key])}' in ${ctx.subject}${hint}`);
      }
      continue;
    }
    const missing = issue.code === 'invalid_type' && issue.input === undefined;
    const message = missing
      ? `missing required field '${pathText(path)}'`
      : path.length === 0
        ? issue.message
        : `'${pathText(path)}': ${issue.message}`;
    // A missing field is reported at its parent; a bad value at the value itself.
    problems.error(ctx.where(missing ? path.slice(0, -1) : path, missing ? 'key' : 'value'), `${ctx.subject}: ${message}`);
  }
}

export function pathText(path: readonly PathKey[]): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('') || '(top level)';
}
