// An HTTP request with any method, headers and body, with full control of the headers (Host included).
import { request, type IncomingHttpHeaders } from 'node:http';

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export function httpRequest(
  method: string,
  url: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        headers: { ...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** POST a JSON body. */
export function postJson(url: string, value: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return httpRequest('POST', url, { 'Content-Type': 'application/json', ...headers }, JSON.stringify(value));
}

/** The `name=value` part of a Set-Cookie header, for sending it back. */
export function cookieFrom(setCookie: string[] | string | undefined): string {
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  if (!first) throw new Error('the response set no cookie');
  return first.split(';')[0] ?? '';
}
