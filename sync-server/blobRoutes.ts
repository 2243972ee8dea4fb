import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { getAuth, handle, sendError } from './auth';
import { BlobOffsetError, BlobTooLargeError, SHA256, type BlobStore } from './blobs';
import { ORG_ID, type OrgStore, type Role } from './orgs';

export const DEFAULT_MAX_BLOB_BYTES = 2048 * 1024 * 1024;

export interface BlobDeps {
  orgs: OrgStore;
  blobs: BlobStore;
  maxBlobBytes: number;
}

/**
 * The role of the caller in workspace `:ws`, or undefined after answering 400, 404 or 403.
 * Server administrators count as owners.
 */
export async function workspaceRole(orgs: OrgStore, req: Request, res: Response): Promise<Role | undefined> {
  const ws = req.params.ws ?? '';
  if (!ORG_ID.test(ws)) {
    sendError(res, 400, 'bad_request', `"${ws}" is not a workspace id (26 lowercase letters and digits).`);
    return undefined;
  }
  const org = await orgs.get(ws);
  if (!org) {
    sendError(res, 404, 'not_found', `There is no workspace ${ws}.`);
    return undefined;
  }
  const { user } = getAuth(req);
  const role = Object.hasOwn(org.members, user.name) ? org.members[user.name] : undefined;
  if (role) return role;
  if (user.admin) return 'owner';
  sendError(res, 403, 'forbidden', `You are not a member of the workspace of ${org.name}.`);
  return undefined;
}

function parseContentRange(header: string): { start: number; end: number; total: number } | undefined {
  const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header.trim());
  if (!match) return undefined;
  const [start, end, total] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (!(start <= end && end < total) || !Number.isSafeInteger(total)) return undefined;
  return { start, end, total };
}

function parseRange(header: string, size: number): { start: number; end: number } | undefined | 'invalid' {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return 'invalid';
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start > end || start >= size) return 'invalid';
  return { start, end };
}

/** /api/workspaces/:ws/blobs/:sha256 (GET, HEAD, PUT, resumable). */
export function blobRoutes(deps: BlobDeps, requireAuth: RequestHandler): Router {
  const router = express.Router({ mergeParams: true });
  router.use(requireAuth);
  const limitText = `${Math.floor(deps.maxBlobBytes / (1024 * 1024))} MiB`;

  const target = async (req: Request, res: Response) => {
    const role = await workspaceRole(deps.orgs, req, res);
    if (!role) return undefined;
    const sha = req.params.sha ?? '';
    if (!SHA256.test(sha)) {
      sendError(
        res,
        400,
        'bad_request',
        'A blob is named by the SHA-256 of its bytes: 64 lowercase hex characters.',
      );
      return undefined;
    }
    return { role, ws: req.params.ws ?? '', sha };
  };

  const tooLarge = (res: Response) => {
    res.status(413).json({
      error: 'too_large',
      reason: `The blob is larger than this server accepts (${limitText} per blob; LOUPE_MAX_BLOB_MB). Split or compress the media, or ask the administrator to raise the limit.`,
      limit: deps.maxBlobBytes,
    });
  };

  router.head(
    '/:sha',
    handle(async (req, res) => {
      const t = await target(req, res);
      if (!t) return;
      const size = await deps.blobs.stat(t.ws, t.sha);
      res.setHeader('Cache-Control', 'no-store');
      if (size !== undefined) {
        res.setHeader('Content-Length', String(size));
        res.status(200).end();
        return;
      }
      res.setHeader('Upload-Offset', String(await deps.blobs.received(t.ws, t.sha)));
      res.status(404).end();
    }),
  );

  router.get(
    '/:sha',
    handle(async (req, res) => {
      const t = await target(req, res);
      if (!t) return;
      const size = await deps.blobs.stat(t.ws, t.sha);
      if (size === undefined) return sendError(res, 404, 'not_found', 'This blob has not been uploaded.');
      res.setHeader('Content-Type', 'application/octet-stream');
      res.setHeader('ETag', `"${t.sha}"`);
      res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
      res.setHeader('Accept-Ranges', 'bytes');
      if (req.headers['if-none-match'] === `"${t.sha}"`) {
        res.status(304).end();
        return;
      }
      const rangeHeader = req.headers.range;
      let range: { start: number; end: number } | undefined;
      if (rangeHeader) {
        const parsed = parseRange(rangeHeader, size);
        if (parsed === 'invalid') {
          res.setHeader('Content-Range', `bytes */${size}`);
          return sendError(res, 416, 'bad_range', `The blob has ${size} bytes.`);
        }
        range = parsed;
      }
      if (range) {
        res.status(206);
        res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
        res.setHeader('Content-Length', String(range.end - range.start + 1));
      } else {
        res.setHeader('Content-Length', String(size));
      }
      const stream = deps.blobs.read(t.ws, t.sha, range);
      stream.on('error', (err) => res.destroy(err));
      stream.pipe(res);
    }),
  );

  router.put(
    '/:sha',
    handle(async (req, res) => {
      const t = await target(req, res);
      if (!t) return (req.resume(), undefined);
      if (t.role !== 'owner' && t.role !== 'maintainer') {
        req.resume();
        return sendError(
          res,
          403,
          'forbidden',
          `Only owners and maintainers upload media; you are ${t.role}.`,
        );
      }
      const length = req.headers['content-length'];
      if (length !== undefined && Number(length) > deps.maxBlobBytes) {
        req.resume();
        return tooLarge(res);
      }
      const existing = await deps.blobs.stat(t.ws, t.sha);
      if (existing !== undefined) {
        req.resume();
        res.status(200).json({ sha256: t.sha, size: existing });
        return;
      }

      const rangeHeader = req.headers['content-range'];
      let range: { start: number; end: number; total: number } | undefined;
      if (rangeHeader !== undefined) {
        range = parseContentRange(rangeHeader);
        if (!range) {
          req.resume();
          return sendError(res, 400, 'bad_request', 'Content-Range must be "bytes <start>-<end>/<total>".');
        }
        if (range.total > deps.maxBlobBytes) {
          req.resume();
          return tooLarge(res);
        }
      } else {
        await deps.blobs.discard(t.ws, t.sha);
      }
      const offset = range?.start ?? 0;
      let received: number;
      try {
        received = await deps.blobs.append(
          t.ws,
          t.sha,
          offset,
          req,
          range ? range.end + 1 : deps.maxBlobBytes,
        );
      } catch (err) {
        if (err instanceof BlobOffsetError) {
          res.setHeader('Upload-Offset', String(err.received));
          res.status(409).json({
            error: 'conflict',
            reason: `This upload has ${err.received} bytes; send the chunk that starts there.`,
            offset: err.received,
          });
          return;
        }
        if (err instanceof BlobTooLargeError) {
          if (range) {
            return sendError(res, 400, 'bad_request', 'The chunk is longer than its Content-Range says.');
          }
          res.setHeader('Connection', 'close');
          return tooLarge(res);
        }
        // The client went away mid-chunk: what arrived is kept for a resume; nobody to answer.
        if (req.destroyed || req.errored) return;
        throw err;
      }
      if (range && received !== range.end + 1) {
        res.setHeader('Upload-Offset', String(received));
        return sendError(res, 400, 'bad_request', `The chunk ended early; the upload has ${received} bytes.`);
      }
      if (range && received < range.total) {
        res.setHeader('Upload-Offset', String(received));
        res.status(202).json({ offset: received });
        return;
      }
      if (!(await deps.blobs.finish(t.ws, t.sha))) {
        res.status(400).json({
          error: 'hash_mismatch',
          reason:
            'The bytes received do not have the SHA-256 named in the URL; the upload was dropped. Upload it again.',
        });
        return;
      }
      res.status(201).json({ sha256: t.sha, size: received });
    }),
  );

  return router;
}
