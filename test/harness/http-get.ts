// A plain HTTP GET with full control of the headers (Host included), for auth and routing tests.
import { httpRequest, type HttpAnswer } from './http-request.ts';

export type { HttpAnswer } from './http-request.ts';

export function httpGet(url: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return httpRequest('GET', url, headers);
}
