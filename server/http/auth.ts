// Who may talk to the server (DESIGN.md "Security defaults"). A random token is printed in the URL; a page
// GET with ?token= swaps it for an HttpOnly, SameSite=Strict cookie and redirects to the URL without it.
// The WebSocket upgrade and the API take only the cookie. Host (and, when sent, Origin) must name this
// server, so another site cannot reach it through DNS rebinding or a cross-site WebSocket.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** The server listens here unless told otherwise: only this machine can reach it. */
export const DEFAULT_HOST = '127.0.0.1';

/** Token size (bytes of randomness, 256 bits): unguessable, and short enough to paste. */
const TOKEN_BYTES = 32;

export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** Cookies ignore ports, so two servers on one host each need their own cookie name (as Jupyter does). */
export function tokenCookieName(port: number): string {
  return `stepwise-token-${port}`;
}

/** Constant-time comparison (hashing first makes the lengths equal). */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1' || bare === '0:0:0:0:0:0:0:1' || bare.startsWith('::ffff:127.');
}

/** Splits a Host header ("name:port", "[v6]:port") into its name. */
export function hostName(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1);
  const colon = hostHeader.lastIndexOf(':');
  return colon === -1 ? hostHeader : hostHeader.slice(0, colon);
}

export interface HostPolicy {
  /** The address the server listens on. */
  bindHost: string;
}

/**
 * Bound to loopback, only loopback names are accepted: a page on another site that rebinds its own name to
 * 127.0.0.1 sends its own name as Host and is refused. Bound elsewhere, any Host is accepted: the token is
 * what guards the server then (a rebinding page never has the cookie, which belongs to the real name).
 */
export function hostAllowed(hostHeader: string | undefined, policy: HostPolicy): boolean {
  if (!hostHeader) return false;
  if (!isLoopbackHost(policy.bindHost)) return true;
  return isLoopbackHost(hostName(hostHeader));
}

/** A browser always sends Origin on a WebSocket; it must be this server's own origin. */
export function originAllowed(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined) return true; // not a browser: it still needs the cookie
  if (!hostHeader) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch (e: unknown) {
    if (e instanceof TypeError) return false;
    throw e;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.host.toLowerCase() === hostHeader.toLowerCase();
}
