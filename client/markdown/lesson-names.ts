// Names that lesson markup gives its elements live in a namespace of their own, so a lesson can neither reuse the
// app's classes (a fixed-position fake notice made of the app's toast styles) nor clobber globals (`id="x"`
// makes `window.x`; `name` on some elements makes `document.x`). Pure string functions: no DOM.
//
// Invariant: no class or id of the app starts with LESSON_NAME_PREFIX (test/browser-xss.test.ts checks every
// selector of the app's stylesheet). The prefix is DOMPurify's own SANITIZE_NAMED_PROPS prefix, which renames
// `id` and `name`; this module renames classes and the attributes that refer to ids, to match.

/** GitHub's and DOMPurify's prefix for names from user content; the app uses `lesson-` itself, so not that. */
export const LESSON_NAME_PREFIX = 'user-content-';

/** Attributes whose value is a space-separated list of element ids (HTML and WAI-ARIA). */
const ID_LIST_ATTRIBUTES = new Set([
  'for',
  'headers',
  'aria-activedescendant',
  'aria-controls',
  'aria-describedby',
  'aria-details',
  'aria-errormessage',
  'aria-flowto',
  'aria-labelledby',
  'aria-owns',
]);

function prefixed(name: string): string {
  return name.startsWith(LESSON_NAME_PREFIX) ? name : LESSON_NAME_PREFIX + name;
}

/** Each whitespace-separated token prefixed once; empty tokens dropped. */
export function prefixTokens(value: string): string {
  return value
    .split(/\s+/)
    .filter((token) => token !== '')
    .map(prefixed)
    .join(' ');
}

/**
 * The value an attribute from lesson markup keeps: classes and id references moved into the lesson namespace
 * (`usemap="#m"` refers to `<map name="m">`), anything else unchanged. `id` and `name` themselves are
 * DOMPurify's (SANITIZE_NAMED_PROPS).
 */
export function lessonAttributeValue(attribute: string, value: string): string {
  const name = attribute.toLowerCase();
  if (name === 'class' || ID_LIST_ATTRIBUTES.has(name)) return prefixTokens(value);
  if (name === 'usemap') {
    const target = value.trim();
    return target.startsWith('#') ? `#${prefixed(target.slice(1))}` : target;
  }
  return value;
}
