/**
 * The sync server's HTTP API (sync-server/API.md) as typed calls. Every call carries the
 * session's bearer token; errors become `ApiError` with the server's sentence for a person.
 */
import * as v from 'valibot';

export const ROLES = ['owner', 'maintainer', 'supervisor', 'worker'] as const;
export type Role = (typeof ROLES)[number];

export const COLLECTIONS = ['project', 'task', 'job', 'media', 'frame', 'track', 'review'] as const;
export type Collection = (typeof COLLECTIONS)[number];

const UserSchema = v.object({ name: v.string(), admin: v.boolean() });
export type User = v.InferOutput<typeof UserSchema>;

const SessionAnswerSchema = v.object({ token: v.string(), expiresAt: v.string(), user: UserSchema });
export type SessionAnswer = v.InferOutput<typeof SessionAnswerSchema>;

const OrgSummarySchema = v.object({
  id: v.string(),
  name: v.string(),
  role: v.picklist(ROLES),
  databases: v.record(v.string(), v.string()),
});
export type OrgSummary = v.InferOutput<typeof OrgSummarySchema>;

const MemberSchema = v.object({ username: v.string(), role: v.picklist(ROLES) });
export type Member = v.InferOutput<typeof MemberSchema>;

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

/** An answer the server refused, with its status, code and reason. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: unknown = undefined,
  ) {
    super(message);
  }
}

export interface ApiOptions {
  /** The server's origin; the app's own origin by default. */
  baseUrl?: string;
  /** The bearer token of the session, if signed in. */
  token?: () => string | null;
  fetch?: typeof fetch;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export function createApi(options: ApiOptions = {}) {
  const base = (): string => options.baseUrl ?? globalThis.location?.origin ?? '';
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  async function call<T>(
    method: Method,
    path: string,
    schema: v.GenericSchema<unknown, T>,
    body?: unknown,
  ): Promise<T> {
    const headers = new Headers({ accept: 'application/json' });
    const token = options.token?.();
    if (token) headers.set('authorization', `Bearer ${token}`);
    if (body !== undefined) headers.set('content-type', 'application/json');
    let response: Response;
    try {
      response = await doFetch(`${base()}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new ApiError(
        0,
        'offline',
        'The sync server cannot be reached. Check the connection and try again.',
        {
          cause: String(error),
        },
      );
    }
    const json: unknown = await response.json().catch(() => undefined);
    if (!response.ok) throw errorFrom(response, json);
    const parsed = v.safeParse(schema, json);
    if (!parsed.success) {
      throw new ApiError(
        response.status,
        'bad_answer',
        `The server sent an answer this app does not understand (${method} ${path}): ${v.summarize(parsed.issues)}`,
      );
    }
    return parsed.output;
  }

  const ok = v.object({ ok: v.literal(true) });
  const members = v.object({ members: v.array(MemberSchema) });
  const org = v.object({ org: OrgSummarySchema });
  const enc = encodeURIComponent;

  return {
    register: (username: string, password: string) =>
      call('POST', '/api/auth/register', SessionAnswerSchema, { username, password }),
    login: (username: string, password: string) =>
      call('POST', '/api/auth/login', SessionAnswerSchema, { username, password }),
    logout: () => call('POST', '/api/auth/logout', ok),
    me: () => call('GET', '/api/auth/me', v.object({ user: UserSchema, orgs: v.array(OrgSummarySchema) })),
    changePassword: (currentPassword: string, newPassword: string) =>
      call('POST', '/api/auth/password', SessionAnswerSchema, { currentPassword, newPassword }),
    requestReset: (username: string) => call('POST', '/api/auth/reset/request', ok, { username }),
    reset: (token: string, newPassword: string) =>
      call('POST', '/api/auth/reset', ok, { token, newPassword }),

    orgs: () => call('GET', '/api/orgs', v.object({ orgs: v.array(OrgSummarySchema) })),
    createOrg: (name: string) => call('POST', '/api/orgs', org, { name }),
    org: (id: string) =>
      call(
        'GET',
        `/api/orgs/${enc(id)}`,
        v.object({ org: OrgSummarySchema, members: v.array(MemberSchema) }),
      ),
    renameOrg: (id: string, name: string) => call('PATCH', `/api/orgs/${enc(id)}`, org, { name }),
    deleteOrg: (id: string) => call('DELETE', `/api/orgs/${enc(id)}`, ok),
    setMember: (id: string, username: string, role: Role) =>
      call('PUT', `/api/orgs/${enc(id)}/members/${enc(username)}`, members, { role }),
    removeMember: (id: string, username: string) =>
      call('DELETE', `/api/orgs/${enc(id)}/members/${enc(username)}`, members),
    leaveOrg: (id: string) => call('POST', `/api/orgs/${enc(id)}/leave`, ok),
    invite: (id: string, invitation: { role: Role; username?: string; days?: number }) =>
      call(
        'POST',
        `/api/orgs/${enc(id)}/invitations`,
        v.object({ invitation: InvitationSchema, token: v.string(), link: v.string() }),
        invitation,
      ),
    invitations: (id: string) =>
      call('GET', `/api/orgs/${enc(id)}/invitations`, v.object({ invitations: v.array(InvitationSchema) })),
    cancelInvitation: (id: string, invitationId: string) =>
      call('DELETE', `/api/orgs/${enc(id)}/invitations/${enc(invitationId)}`, ok),
    invitation: (token: string) =>
      call(
        'GET',
        `/api/invitations/${enc(token)}`,
        v.object({ invitation: InvitationSchema, org: v.object({ id: v.string(), name: v.string() }) }),
      ),
    acceptInvitation: (token: string) => call('POST', `/api/invitations/${enc(token)}/accept`, org),
    declineInvitation: (token: string) => call('POST', `/api/invitations/${enc(token)}/decline`, ok),
  };
}

export type Api = ReturnType<typeof createApi>;

function errorFrom(response: Response, json: unknown): ApiError {
  const body = (typeof json === 'object' && json !== null ? json : {}) as {
    error?: unknown;
    reason?: unknown;
  };
  const code = typeof body.error === 'string' ? body.error : 'http_error';
  let reason = typeof body.reason === 'string' ? body.reason : `The server answered ${response.status}.`;
  if (response.status === 429) {
    const retry = response.headers.get('retry-after');
    if (retry) reason += ` Try again in ${Math.ceil(Number(retry) / 60)} min.`;
  }
  return new ApiError(response.status, code, reason, json);
}
