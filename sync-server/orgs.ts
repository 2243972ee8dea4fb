import { createHash, randomBytes } from 'node:crypto';
import { ulid } from 'ulid';
import * as v from 'valibot';
import { workspaceDatabases, type Collection } from './access';
import type { RecordStore } from './records';

/**
 * Organizations, their members and invitations. One organization owns one workspace whose
 * id is the organization id; its documents live in one database per collection
 * (`ws_<id>__<collection>`, see access.ts). This record, not anything a client writes into
 * a database, is what the /db gate trusts.
 */
export const ROLES = ['owner', 'maintainer', 'supervisor', 'worker'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Higher is more. */
export const ROLE_RANK: Record<Role, number> = { owner: 3, maintainer: 2, supervisor: 1, worker: 0 };

/** Lowercased ULIDs; also the workspace id. */
export const ORG_ID = /^[0-9a-z]{26}$/;

export const INVITATION_DAYS_DEFAULT = 7;
export const INVITATION_DAYS_MAX = 30;

const OrgSchema = v.object({
  id: v.string(),
  name: v.string(),
  createdBy: v.string(),
  createdAt: v.string(),
  members: v.record(v.string(), v.picklist(ROLES)),
});
export type Org = v.InferOutput<typeof OrgSchema>;

const InvitationSchema = v.object({
  id: v.string(),
  org: v.string(),
  role: v.picklist(ROLES),
  username: v.optional(v.string()),
  createdBy: v.string(),
  createdAt: v.string(),
  expiresAt: v.string(),
});
export type Invitation = v.InferOutput<typeof InvitationSchema>;

export const OrgsFileSchema = v.object({
  version: v.literal(1),
  orgs: v.record(v.string(), OrgSchema),
  /** Keyed by the SHA-256 of the invitation token; the token itself is never stored. */
  invitations: v.record(v.string(), InvitationSchema),
});
export type OrgsFile = v.InferOutput<typeof OrgsFileSchema>;

export function emptyOrgsFile(): OrgsFile {
  return { version: 1, orgs: {}, invitations: {} };
}

/** A refusal with the HTTP status it maps to. */
export class OrgError extends Error {
  override name = 'OrgError';
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 410,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What a client learns about an organization it belongs to. */
export interface OrgSummary {
  id: string;
  name: string;
  role: Role;
  databases: Record<Collection, string>;
}

export function orgSummary(org: Org, role: Role): OrgSummary {
  return { id: org.id, name: org.name, role, databases: workspaceDatabases(org.id) };
}

function hashInvitation(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > 100)
    throw new OrgError(400, 'bad_request', 'An organization name must have 1 to 100 characters.');
  return trimmed;
}

export class OrgStore {
  constructor(private readonly store: RecordStore<OrgsFile>) {}

  async all(): Promise<Org[]> {
    return Object.values((await this.store.read()).orgs).sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(id: string): Promise<Org | undefined> {
    return own((await this.store.read()).orgs, id);
  }

  async roleOf(orgId: string, username: string): Promise<Role | undefined> {
    const org = await this.get(orgId);
    return org ? own(org.members, username) : undefined;
  }

  /** The organizations a user belongs to, with the user's role, by name. */
  async orgsOf(username: string): Promise<{ org: Org; role: Role }[]> {
    const { orgs } = await this.store.read();
    const result: { org: Org; role: Role }[] = [];
    for (const org of Object.values(orgs)) {
      const role = own(org.members, username);
      if (role) result.push({ org, role });
    }
    return result.sort((a, b) => a.org.name.localeCompare(b.org.name) || a.org.id.localeCompare(b.org.id));
  }

  async create(name: string, owner: string, id: string = ulid().toLowerCase()): Promise<Org> {
    const org: Org = {
      id,
      name: checkName(name),
      createdBy: owner,
      createdAt: new Date().toISOString(),
      members: { [owner]: 'owner' },
    };
    if (!ORG_ID.test(id)) throw new OrgError(400, 'bad_request', `"${id}" is not an organization id.`);
    await this.store.update((data) => {
      if (Object.hasOwn(data.orgs, id)) throw new OrgError(409, 'conflict', `Organization ${id} exists.`);
      data.orgs[id] = org;
    });
    return org;
  }

  async rename(id: string, name: string): Promise<Org> {
    const clean = checkName(name);
    return this.store.update((data) => {
      const org = this.mustGet(data, id);
      org.name = clean;
      return org;
    });
  }

  async remove(id: string): Promise<Org> {
    return this.store.update((data) => {
      const org = this.mustGet(data, id);
      delete data.orgs[id];
      for (const [key, inv] of Object.entries(data.invitations))
        if (inv.org === id) delete data.invitations[key];
      return org;
    });
  }

  /** Puts back an organization removed by remove() (when deleting its databases failed). */
  async restore(org: Org): Promise<void> {
    await this.store.update((data) => {
      data.orgs[org.id] ??= org;
    });
  }

  /**
   * Sets a member's role as `actor` (undefined: the server itself, for the CLI). Enforces
   * the membership rules: owners and maintainers manage members, only an owner gives or
   * takes the owner role, and an organization always keeps an owner.
   */
  async setRole(id: string, username: string, role: Role, actor?: string): Promise<Org> {
    return this.store.update((data) => {
      const org = this.mustGet(data, id);
      const current = own(org.members, username);
      if (actor !== undefined) {
        const actorRole = own(org.members, actor);
        if (actorRole !== 'owner' && actorRole !== 'maintainer')
          throw new OrgError(403, 'forbidden', 'Only owners and maintainers manage members.');
        if ((role === 'owner' || current === 'owner') && actorRole !== 'owner')
          throw new OrgError(403, 'forbidden', 'Only an owner can give or take the owner role.');
      }
      if (current === 'owner' && role !== 'owner') this.keepAnOwner(org, username);
      org.members[username] = role;
      return org;
    });
  }

  /** Removes a member as `actor`; `actor === username` is leaving. */
  async removeMember(id: string, username: string, actor?: string): Promise<Org> {
    return this.store.update((data) => {
      const org = this.mustGet(data, id);
      const current = own(org.members, username);
      if (!current) throw new OrgError(404, 'not_found', `"${username}" is not a member of ${org.name}.`);
      if (actor !== undefined && actor !== username) {
        const actorRole = own(org.members, actor);
        const mayRemove =
          actorRole === 'owner' ||
          (actorRole === 'maintainer' && (current === 'supervisor' || current === 'worker'));
        if (!mayRemove)
          throw new OrgError(
            403,
            'forbidden',
            actorRole === 'maintainer'
              ? 'Maintainers remove supervisors and workers; ask an owner to remove this member.'
              : 'Only owners and maintainers remove members.',
          );
      }
      if (current === 'owner') this.keepAnOwner(org, username);
      delete org.members[username];
      return org;
    });
  }

  private keepAnOwner(org: Org, leaving: string): void {
    const others = Object.entries(org.members).filter(([name, r]) => r === 'owner' && name !== leaving);
    if (others.length === 0)
      throw new OrgError(
        409,
        'conflict',
        `${org.name} must keep an owner: make another member owner first (or delete the organization).`,
      );
  }

  async invite(
    id: string,
    actor: string,
    options: { role: Role; username?: string; days?: number },
    now = Date.now(),
  ): Promise<{ invitation: Invitation; token: string }> {
    const days = options.days ?? INVITATION_DAYS_DEFAULT;
    if (!Number.isFinite(days) || days <= 0 || days > INVITATION_DAYS_MAX)
      throw new OrgError(400, 'bad_request', `An invitation lasts 1 to ${INVITATION_DAYS_MAX} days.`);
    const token = randomBytes(24).toString('base64url');
    const key = hashInvitation(token);
    const invitation: Invitation = {
      id: key.slice(0, 16),
      org: id,
      role: options.role,
      ...(options.username ? { username: options.username } : {}),
      createdBy: actor,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + days * 86_400_000).toISOString(),
    };
    await this.store.update((data) => {
      const org = this.mustGet(data, id);
      const actorRole = own(org.members, actor);
      if (actorRole !== 'owner' && actorRole !== 'maintainer')
        throw new OrgError(403, 'forbidden', 'Only owners and maintainers invite people.');
      if (options.role === 'owner' && actorRole !== 'owner')
        throw new OrgError(403, 'forbidden', 'Only an owner can invite another owner.');
      // Expired invitations are dropped here so the record does not grow forever.
      for (const [k, inv] of Object.entries(data.invitations))
        if (Date.parse(inv.expiresAt) <= now) delete data.invitations[k];
      data.invitations[key] = invitation;
    });
    return { invitation, token };
  }

  async invitations(id: string, now = Date.now()): Promise<Invitation[]> {
    const { invitations } = await this.store.read();
    return Object.values(invitations)
      .filter((inv) => inv.org === id && Date.parse(inv.expiresAt) > now)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async revokeInvitation(id: string, invitationId: string, actor: string): Promise<void> {
    await this.store.update((data) => {
      const org = this.mustGet(data, id);
      const actorRole = own(org.members, actor);
      if (actorRole !== 'owner' && actorRole !== 'maintainer')
        throw new OrgError(403, 'forbidden', 'Only owners and maintainers manage invitations.');
      const entry = Object.entries(data.invitations).find(
        ([, inv]) => inv.org === id && inv.id === invitationId,
      );
      if (!entry) throw new OrgError(404, 'not_found', 'No such invitation.');
      delete data.invitations[entry[0]];
    });
  }

  /** The invitation a token stands for, checked for expiry and addressee. */
  async lookup(
    token: string,
    username: string,
    now = Date.now(),
  ): Promise<{ invitation: Invitation; org: Org }> {
    const data = await this.store.read();
    return this.checkInvitation(data, token, username, now);
  }

  private checkInvitation(
    data: OrgsFile,
    token: string,
    username: string,
    now: number,
  ): { invitation: Invitation; org: Org } {
    const invitation = own(data.invitations, hashInvitation(token));
    const org = invitation && own(data.orgs, invitation.org);
    if (!invitation || !org)
      throw new OrgError(
        404,
        'not_found',
        'This invitation does not exist or was already used or withdrawn.',
      );
    if (Date.parse(invitation.expiresAt) <= now)
      throw new OrgError(410, 'expired', 'This invitation has expired. Ask for a new one.');
    if (invitation.username !== undefined && invitation.username !== username)
      throw new OrgError(403, 'forbidden', 'This invitation is for another account.');
    return { invitation, org };
  }

  /** Accepts (joins with the invited role, keeping a higher one) or declines; uses the invitation up. */
  async answer(token: string, username: string, accept: boolean, now = Date.now()): Promise<Org> {
    return this.store.update((data) => {
      const { invitation, org } = this.checkInvitation(data, token, username, now);
      delete data.invitations[hashInvitation(token)];
      if (accept) {
        const current = own(org.members, username);
        if (!current || ROLE_RANK[invitation.role] > ROLE_RANK[current])
          org.members[username] = invitation.role;
      }
      return org;
    });
  }

  private mustGet(data: OrgsFile, id: string): Org {
    const org = own(data.orgs, id);
    if (!org) throw new OrgError(404, 'not_found', `No organization ${id}.`);
    return org;
  }
}
