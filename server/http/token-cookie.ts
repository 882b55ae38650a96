// The access-token cookie (DESIGN.md "Security defaults"): reading it from a Cookie header and writing its
// Set-Cookie. Parsing and decoding are the `cookie` package's job; it never throws on a bad value (a value that
// is not valid percent-encoding is kept as written, so it simply does not match the token).
//
// Hazard: cookies ignore ports, so a page on another local port can plant a cookie with our name (for example
// with `path=/ws`, which the browser sends first). `cookie.parse` keeps only the first cookie of a name, so the
// header is handed to it one pair at a time, and the request is accepted if ANY cookie of our name carries the
// token. Each candidate is compared in constant time; at most MAX_TOKEN_COOKIES_COMPARED are compared.
import { parse, serialize } from 'cookie';
import { tokenMatches } from './auth.ts';

/**
 * Same-named cookies compared per request. A browser sends one cookie per (name, domain, path), and only the
 * paths on the way to a URL match it ("/", "/ws", "/lesson/..."), so a real browser sends a handful; a header
 * with more is not a browser, and bounding it bounds the hashing one request can cost.
 */
export const MAX_TOKEN_COOKIES_COMPARED = 16;

/** Every value of the cookies named `name`, in header order, decoded; at most MAX_TOKEN_COOKIES_COMPARED. */
export function cookieValues(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const values: string[] = [];
  // `cookie` itself ends a pair at the next ';' (there is no quoting of ';' in a Cookie header).
  for (const pair of header.split(';')) {
    if (!pair.includes(name)) continue; // cheap filter; the exact name match is cookie.parse's
    const value = parse(pair)[name];
    if (value === undefined) continue;
    values.push(value);
    if (values.length === MAX_TOKEN_COOKIES_COMPARED) break;
  }
  return values;
}

/** True if any cookie named `name` carries `token`. Never throws, whatever the header holds. */
export function cookieCarriesToken(header: string | undefined, name: string, token: string): boolean {
  let found = false;
  // No early exit: every candidate is compared, so the time taken does not say which one matched.
  for (const value of cookieValues(header, name)) found = tokenMatches(token, value) || found;
  return found;
}

/** The Set-Cookie value that stores the token: HttpOnly, SameSite=Strict, for the whole server. */
export function tokenSetCookie(name: string, token: string): string {
  return serialize(name, token, { path: '/', httpOnly: true, sameSite: 'strict' });
}
