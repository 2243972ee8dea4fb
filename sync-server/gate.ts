import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { classifyDbRequest, type Access } from './access';
import { getAuth, sendError } from './auth';
import type { CouchBackend } from './couch';

/**
 * The /db gate: every request is checked (token → user → membership → role) before it
 * reaches the CouchDB backend. Runs after requireAuth.
 */
export function dbGate(access: Access, backend: CouchBackend): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    decide(access, backend, req, res, next).catch(next);
  };
}

async function decide(
  access: Access,
  backend: CouchBackend,
  req: Request,
  res: Response,
  next: NextFunction,
) {
  const { user } = getAuth(req);
  const path = req.url.split('?')[0] ?? '/';
  const decision = classifyDbRequest(user, req.method, path);

  switch (decision.kind) {
    case 'deny':
      return sendError(
        res,
        decision.status,
        decision.status === 400 ? 'bad_request' : 'forbidden',
        decision.reason,
      );

    case 'allow':
      return next();

    case 'session':
      // Answered here in both modes: upstream would describe the server's own CouchDB account.
      return res.json({
        ok: true,
        userCtx: { name: user.name, roles: user.admin ? ['_admin'] : [] },
        info: { authenticated: 'loupe' },
      });

    case 'member': {
      const role = await access.roleOf(decision.db, user.name);
      if (!role) {
        // PouchDB and RxDB probe a database with GET and create it on a 404, so a name
        // nobody has created yet must answer 404 rather than 403.
        if (!(await backend.exists(decision.db)))
          return sendError(res, 404, 'not_found', 'Database does not exist.');
        return sendError(res, 403, 'forbidden', notMember(decision.db));
      }
      if (decision.need !== 'any' && !decision.need.includes(role)) {
        return sendError(
          res,
          403,
          'forbidden',
          `This needs the role ${decision.need.join(' or ')} in ${decision.db}; you are ${role}.`,
        );
      }
      return next();
    }

    case 'delete': {
      if (!user.admin && (await access.roleOf(decision.db, user.name)) !== 'owner') {
        return sendError(
          res,
          403,
          'forbidden',
          `Only an owner of ${decision.db} or an administrator can delete it.`,
        );
      }
      // Memberships go with the database, so the name can be used again. They are
      // removed before the backend answers (the client may act on the answer at once)
      // and put back if the deletion fails.
      const removed = await access.removeDatabase(decision.db);
      onFailure(res, () => access.restoreDatabase(decision.db, removed));
      return next();
    }

    case 'create': {
      const role = await access.roleOf(decision.db, user.name);
      // A member sees the backend's own answer (412 when it exists already).
      if (role) return next();
      if (await backend.exists(decision.db)) return sendError(res, 403, 'forbidden', notMember(decision.db));
      // Ownership is recorded before the backend creates the database, so the creator's
      // very next request is already allowed; it is withdrawn if creation fails.
      if (!(await access.claim(decision.db, user.name))) {
        return sendError(res, 403, 'forbidden', notMember(decision.db));
      }
      onFailure(res, () => access.removeMember(decision.db, user.name));
      return next();
    }
  }
}

/** Runs `undo` when the backend answers with an error or the client goes away first. */
function onFailure(res: Response, undo: () => Promise<void>): void {
  let settled = false;
  const run = (failed: boolean) => {
    if (settled) return;
    settled = true;
    if (failed) undo().catch(logError);
  };
  res.on('finish', () => run(res.statusCode < 200 || res.statusCode >= 300));
  res.on('close', () => run(!res.writableFinished));
}

function notMember(db: string): string {
  return `You are not a member of ${db}. Ask an owner of the workspace to add you.`;
}

function logError(err: unknown): void {
  console.error('loupe: could not update memberships:', err);
}
