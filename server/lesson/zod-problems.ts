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
        problems.error(
          ctx.where([...path, key], 'key'),
          `unknown field '${pathText([...path, key])}' in ${ctx.subject}${hint}`,
        );
      }
      continue;
    }
    const missing = issue.code === 'invalid_type' && issue.input === undefined;
    if (missing && path.length === 0) {
      problems.error(ctx.where([], 'key'), `${ctx.subject} is missing`);
      continue;
    }
    const message = missing
      ? `missing required field '${pathText(path)}'`
      : path.length === 0
        ? issue.message
        : `'${pathText(path)}': ${issue.message}`;
    // A missing field is reported at its parent; a bad value at the value itself.
    problems.error(
      ctx.where(missing ? path.slice(0, -1) : path, missing ? 'key' : 'value'),
      `${ctx.subject}: ${message}`,
    );
  }
}

export function pathText(path: readonly PathKey[]): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('') || '(top level)';
}

/**
 * Deletes each failing value: the unknown key itself, or the key holding a bad value (inside a nested mapping
 * when the issue is there, so one bad environment field does not cost the whole environment).
 */
export function dropInvalid(record: Record<string, unknown>, issues: readonly z.core.$ZodIssue[]): void {
  for (const issue of issues) {
    const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
    for (const path of paths) {
      let container: unknown = record;
      for (const key of path.slice(0, -1)) {
        if (isPlainRecord(container) && typeof key === 'string') container = container[key];
        else if (Array.isArray(container) && typeof key === 'number') container = container[key] as unknown;
        else container = undefined;
      }
      const last = path[path.length - 1];
      if (isPlainRecord(container) && typeof last === 'string') delete container[last];
      else if (typeof path[0] === 'string') delete record[path[0]];
    }
  }
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
