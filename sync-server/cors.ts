import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { sendError } from './auth';

/**
 * Cross-origin policy for /api and /db. The app's own origin always works (browsers send
 * `Origin` on same-origin writes too); `LOUPE_ORIGIN` may add others, such as a dev server
 * on another port. A request from any other origin is refused before it is handled, so a
 * page elsewhere cannot use a token it got hold of, nor probe the API.
 */
export function corsGate(allowed: readonly string[]): RequestHandler {
  const extra = new Set(allowed.map((o) => o.replace(/\/+$/, '').toLowerCase()));
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    if (origin === undefined) return next();
    const own = `${req.protocol}://${req.get('host') ?? ''}`.toLowerCase();
    const normalized = origin.toLowerCase();
    if (normalized !== own && !extra.has(normalized)) {
      return sendError(
        res,
        403,
        'forbidden',
        `Requests from ${origin} are not allowed; only the Loupe app's own origin (or LOUPE_ORIGIN) may call this server.`,
      );
    }
    res.setHeader('Vary', 'Origin');
    if (normalized !== own) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Expose-Headers', 'Retry-After, Upload-Offset, Content-Range, ETag');
      if (req.method === 'OPTIONS') {
        res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, POST, PUT, PATCH, DELETE');
        res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, Content-Range, Range');
        res.setHeader('Access-Control-Max-Age', '600');
        res.status(204).end();
        return;
      }
    }
    next();
  };
}
