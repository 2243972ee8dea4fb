import express, { type RequestHandler, type Router } from 'express';
import * as v from 'valibot';
import { COLLECTIONS, workspaceDbName } from './access';
import { bodyOf, getAuth, handle, sendError } from './auth';
import type { BlobStore } from './blobs';
import type { CouchBackend } from './couch';
import { INVITATION_DAYS_MAX, OrgError, orgSummary, ROLES, type Org, type OrgStore, type Role } from './orgs';
import type { UserStore } from './users';

export interface OrgDeps {
  orgs: OrgStore;
  users: UserStore;
  backend: CouchBackend;
  blobs?: BlobStore;
}

/** Creates an organization and its workspace databases (undone if that fails). */
export async function createOrg(deps: OrgDeps, name: string, owner: string): Promise<Org> {
  const org = await deps.orgs.create(name, owner);
  try {
    await deps.backend.start();
    for (const collection of COLLECTIONS)
      await deps.backend.createDatabase(workspaceDbName(org.id, collection));
  } catch (err) {
    await deps.orgs.remove(org.id).catch(() => undefined);
    throw err;
  }
  return org;
}

const NameSchema = v.object({
  name: v.pipe(v.string('name must be a string'), v.trim(), v.nonEmpty('name is required')),
});
const RoleSchema = v.object({ role: v.picklist(ROLES, `role must be one of ${ROLES.join(', ')}`) });
const InviteSchema = v.object({
  role: v.picklist(ROLES, `role must be one of ${ROLES.join(', ')}`),
  username: v.optional(v.pipe(v.string(), v.trim(), v.toLowerCase(), v.nonEmpty())),
  days: v.optional(v.pipe(v.number('days must be a number'), v.minValue(1), v.maxValue(INVITATION_DAYS_MAX))),
});

/** /api/orgs and /api/invitations; every route needs a signed-in caller. */
export function orgRoutes(deps: OrgDeps, requireAuth: RequestHandler): Router {
  const router = express.Router();
  router.use(requireAuth, express.json({ limit: '16kb' }));
  const { orgs } = deps;

  /** The organization and the caller's role, or a 404/403 refusal. */
  const membership = async (id: string, username: string): Promise<{ org: Org; role: Role }> => {
    const org = await orgs.get(id);
    if (!org) throw new OrgError(404, 'not_found', `No organization ${id}.`);
    const role = Object.hasOwn(org.members, username) ? org.members[username] : undefined;
    if (!role) throw new OrgError(403, 'forbidden', `You are not a member of ${org.name}.`);
    return { org, role };
  };
  const managers = (role: Role, what: string) => {
    if (role !== 'owner' && role !== 'maintainer')
      throw new OrgError(403, 'forbidden', `Only owners and maintainers ${what}; you are ${role}.`);
  };
  const members = (org: Org) =>
    Object.entries(org.members)
      .map(([username, role]) => ({ username, role }))
      .sort((a, b) => a.username.localeCompare(b.username));

  router.get(
    '/orgs',
    handle(async (req, res) => {
      const mine = await orgs.orgsOf(getAuth(req).user.name);
      res.json({ orgs: mine.map(({ org, role }) => orgSummary(org, role)) });
    }),
  );

  router.post(
    '/orgs',
    handle(async (req, res) => {
      const body = bodyOf(NameSchema, req, res, '{"name"}');
      if (!body) return;
      const org = await createOrg(deps, body.name, getAuth(req).user.name);
      res.status(201).json({ org: orgSummary(org, 'owner') });
    }),
  );

  router.get(
    '/orgs/:org',
    handle(async (req, res) => {
      const { org, role } = await membership(req.params.org ?? '', getAuth(req).user.name);
      res.json({ org: orgSummary(org, role), members: members(org) });
    }),
  );

  router.patch(
    '/orgs/:org',
    handle(async (req, res) => {
      const { role } = await membership(req.params.org ?? '', getAuth(req).user.name);
      managers(role, 'rename the organization');
      const body = bodyOf(NameSchema, req, res, '{"name"}');
      if (!body) return;
      const org = await orgs.rename(req.params.org ?? '', body.name);
      res.json({ org: orgSummary(org, role) });
    }),
  );

  router.delete(
    '/orgs/:org',
    handle(async (req, res) => {
      const { org, role } = await membership(req.params.org ?? '', getAuth(req).user.name);
      if (role !== 'owner') throw new OrgError(403, 'forbidden', 'Only an owner deletes the organization.');
      // Memberships go first, so nobody writes while the databases are removed.
      const removed = await orgs.remove(org.id);
      try {
        for (const collection of COLLECTIONS)
          await deps.backend.deleteDatabase(workspaceDbName(org.id, collection));
      } catch (err) {
        await orgs.restore(removed);
        throw err;
      }
      await deps.blobs?.removeWorkspace(org.id);
      res.json({ ok: true });
    }),
  );

  router.put(
    '/orgs/:org/members/:user',
    handle(async (req, res) => {
      const actor = getAuth(req).user.name;
      await membership(req.params.org ?? '', actor);
      const body = bodyOf(RoleSchema, req, res, '{"role"}');
      if (!body) return;
      const username = (req.params.user ?? '').toLowerCase();
      if (!(await deps.users.get(username)))
        throw new OrgError(404, 'not_found', `There is no account "${username}"; invite them instead.`);
      const org = await orgs.setRole(req.params.org ?? '', username, body.role, actor);
      res.json({ members: members(org) });
    }),
  );

  router.delete(
    '/orgs/:org/members/:user',
    handle(async (req, res) => {
      const actor = getAuth(req).user.name;
      await membership(req.params.org ?? '', actor);
      const org = await orgs.removeMember(req.params.org ?? '', (req.params.user ?? '').toLowerCase(), actor);
      res.json({ members: members(org) });
    }),
  );

  router.post(
    '/orgs/:org/leave',
    handle(async (req, res) => {
      const actor = getAuth(req).user.name;
      await membership(req.params.org ?? '', actor);
      await orgs.removeMember(req.params.org ?? '', actor, actor);
      res.json({ ok: true });
    }),
  );

  router.post(
    '/orgs/:org/invitations',
    handle(async (req, res) => {
      const actor = getAuth(req).user.name;
      await membership(req.params.org ?? '', actor);
      const body = bodyOf(InviteSchema, req, res, '{"role", "username"?, "days"?}');
      if (!body) return;
      const { invitation, token } = await orgs.invite(req.params.org ?? '', actor, body);
      res.status(201).json({ invitation, token, link: `/invite/${token}` });
    }),
  );

  router.get(
    '/orgs/:org/invitations',
    handle(async (req, res) => {
      const { org, role } = await membership(req.params.org ?? '', getAuth(req).user.name);
      managers(role, 'see invitations');
      res.json({ invitations: await orgs.invitations(org.id) });
    }),
  );

  router.delete(
    '/orgs/:org/invitations/:id',
    handle(async (req, res) => {
      const actor = getAuth(req).user.name;
      await membership(req.params.org ?? '', actor);
      await orgs.revokeInvitation(req.params.org ?? '', req.params.id ?? '', actor);
      res.json({ ok: true });
    }),
  );

  router.get(
    '/invitations/:token',
    handle(async (req, res) => {
      const { invitation, org } = await orgs.lookup(req.params.token ?? '', getAuth(req).user.name);
      res.json({ invitation, org: { id: org.id, name: org.name } });
    }),
  );

  router.post(
    '/invitations/:token/:answer',
    handle(async (req, res) => {
      const answer = req.params.answer;
      if (answer !== 'accept' && answer !== 'decline')
        return sendError(res, 404, 'not_found', 'Use /accept or /decline.');
      const username = getAuth(req).user.name;
      const org = await orgs.answer(req.params.token ?? '', username, answer === 'accept');
      if (answer === 'decline') {
        res.json({ ok: true });
        return;
      }
      const role = org.members[username] as Role;
      res.json({ org: orgSummary(org, role) });
    }),
  );

  return router;
}
