// Response headers for every page and API answer: helmet, with a Content Security Policy that allows only
// this server's own scripts. Lesson HTML is rendered by the client through DOMPurify; the CSP is the second
// wall if something gets through.
import helmet from 'helmet';
import type { RequestHandler } from 'express';

export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // xterm.js sets element styles and adds <style> for its themes at run time.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"], // covers ws:// to this same origin
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: false, // served over plain http on loopback; HSTS would break other local ports
    crossOriginEmbedderPolicy: false,
  });
}

/** Lesson assets are the author's files: opened directly, they must not run as this origin (an SVG with script). */
export const ASSET_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox";
