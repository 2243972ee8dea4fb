import express, { type RequestHandler, type Router } from 'express';
import { workspaceDbName } from './access';
import { getAuth, handle, sendError } from './auth';
import { workspaceRole } from './blobRoutes';
import { ExportScopeError } from './datasetFromDocs';
import { resolveFormat, UnknownFormatError, writeExport, type ExportDeps } from './export';
import type { OrgStore } from './orgs';

const KINDS = { projects: 'project', tasks: 'task', jobs: 'job' } as const;

/** GET /api/workspaces/:ws/(projects|tasks|jobs)/:id/export?format=<id>&images=0|1 */
export function exportRoutes(deps: ExportDeps & { orgs: OrgStore }, requireAuth: RequestHandler): Router {
  const router = express.Router({ mergeParams: true });
  router.get(
    '/:kind(projects|tasks|jobs)/:id/export',
    requireAuth,
    handle(async (req, res) => {
      const role = await workspaceRole(deps.orgs, req, res);
      if (!role) return;
      const kind = KINDS[req.params.kind as keyof typeof KINDS];
      // Workers read only their own jobs (see readscope.ts), and export only those too.
      if (role === 'worker') {
        const jobId = req.params.id ?? '';
        const job =
          kind === 'job'
            ? (await deps.backend.getDocs(workspaceDbName(req.params.ws ?? '', 'job'), [jobId])).get(jobId)
            : undefined;
        if (!job || job.assignee !== getAuth(req).user.name) {
          return sendError(
            res,
            403,
            'forbidden',
            'Workers export the jobs assigned to them. Ask a supervisor, maintainer or owner for this export.',
          );
        }
      }
      const format = typeof req.query.format === 'string' ? req.query.format : '';
      const saveImages = req.query.images === '1' || req.query.images === 'true';
      try {
        resolveFormat(deps.formats, format);
      } catch (err) {
        if (!(err instanceof UnknownFormatError)) throw err;
        res.status(400).json({ error: 'unknown_format', reason: err.message, formats: err.known });
        return;
      }
      const id = req.params.id ?? '';
      res.setHeader('Content-Type', 'application/zip');
      res.setHeader(
        'Content-Disposition',
        `attachment; filename="${kind}-${id.replace(/[^\w.-]/g, '_')}-${format}.zip"`,
      );
      res.setHeader('Cache-Control', 'no-store');
      try {
        await writeExport(deps, { ws: req.params.ws ?? '', scope: { kind, id }, format, saveImages }, res);
      } catch (err) {
        if (err instanceof ExportScopeError && !res.headersSent) {
          res.removeHeader('Content-Disposition');
          return sendError(res, 404, 'not_found', err.message);
        }
        throw err;
      }
    }),
  );
  return router;
}
