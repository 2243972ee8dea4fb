import { createHash } from 'node:crypto';
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
  type Router,
} from 'express';
import * as v from 'valibot';
import { orgSummary, type OrgStore } from './orgs';
import type { LoginLimiter } from './ratelimit';
import type { ResetStore } from './resets';
import type { TokenStore } from './tokens';
import { checkPassword, UserError, type User, type UserStore } from './users';

/**
 * Who is calling: a bearer token from /api/auth/login, or HTTP Basic credentials so that
 * plain CouchDB clients (curl, PouchDB with a user in the URL) work too.
 */
export interface Auth {
  user: User;
  /** The bearer token used, if any (what logout revokes). */
  token?: string;
}

/** Who may register: anyone, only people holding an invitation, or nobody (CLI only). */
export type Registration = 'open' | 'invite' | 'closed';

export interface AuthDeps {
  registration?: Registration;
  users: UserStore;
  tokens: TokenStore;
  orgs: OrgStore;
  resets: ResetStore;
  /** Failed sign-ins (login, Basic credentials, password change). */
  limiter: LoginLimiter;
  /** Password reset requests. */
  resetLimiter: LoginLimiter;
}

const authOf = new WeakMap<Request, Auth>();

/** The caller of a request that passed requireAuth. */
export function getAuth(req: Request): Auth {
  const auth = authOf.get(req);
  if (!auth) throw new Error('getAuth() called on a request that did not pass requireAuth');
  return auth;
}

/** CouchDB-style error body, which PouchDB and RxDB surface to the user. */
export function sendError(res: Response, status: number, error: string, reason: string): void {
  if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="loupe"');
  res.status(status).json({ error, reason });
}

const MISSING =
  'Sign in first: send "Authorization: Bearer <token>" with a token from POST /api/auth/login, or HTTP Basic credentials.';

// Successful Basic checks are remembered briefly: scrypt costs tens of milliseconds and a
// replication makes many requests. The key includes the stored hash, so a password
// change invalidates it.
const BASIC_CACHE_MS = 5 * 60 * 1000;
const BASIC_CACHE_MAX = 1000;

export function createAuthenticator(deps: AuthDeps) {
  const basicCache = new Map<string, number>();

  async function checkBasic(name: string, password: string): Promise<User | undefined> {
    const stamp = await deps.users.passwordStamp(name);
    if (stamp !== undefined) {
      const key = createHash('sha256').update(`${name}\0${password}\0${stamp}`).digest('hex');
      const until = basicCache.get(key);
      if (until !== undefined && until > Date.now()) return deps.users.get(name);
      const user = await deps.users.verify(name, password);
      if (user) {
        if (basicCache.size >= BASIC_CACHE_MAX) basicCache.clear();
        basicCache.set(key, Date.now() + BASIC_CACHE_MS);
      }
      return user;
    }
    return deps.users.verify(name, password);
  }

  /** Resolves the caller, or returns the reason for a 401 (or the seconds to wait, for a 429). */
  async function authenticate(req: Request): Promise<Auth | string | { retryAfter: number }> {
    const header = req.headers.authorization;
    if (!header) return MISSING;
    const [scheme = '', ...rest] = header.trim().split(/\s+/);
    const value = rest.join(' ');
    if (scheme.toLowerCase() === 'bearer') {
      const name = value ? await deps.tokens.resolve(value) : undefined;
      const user = name ? await deps.users.get(name) : undefined;
      return user ? { user, token: value } : 'The sign-in token is invalid or has expired. Sign in again.';
    }
    if (scheme.toLowerCase() === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return 'The Basic credentials are malformed: expected base64 of "username:password".';
      const name = normalizeName(decoded.slice(0, colon));
      const ip = req.ip ?? '';
      const outcome = await deps.limiter.guard(name, ip, () => checkBasic(name, decoded.slice(colon + 1)));
      if ('retryAfter' in outcome) return outcome;
      return outcome.value ? { user: outcome.value } : 'Invalid username or password.';
    }
    return `Unsupported Authorization scheme "${scheme}": use Bearer or Basic.`;
  }

  const requireAuth: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    authenticate(req).then((result) => {
      if (typeof result === 'string') return sendError(res, 401, 'unauthorized', result);
      if ('retryAfter' in result) return tooMany(res, result.retryAfter);
      authOf.set(req, result);
      next();
    }, next);
  };

  return { authenticate, requireAuth };
}

export function normalizeName(name: string): string {
  return name.trim().toLowerCase();
}

function tooMany(res: Response, seconds: number, what = 'failed sign-ins'): void {
  res.setHeader('Retry-After', String(seconds));
  sendError(
    res,
    429,
    'too_many_requests',
    `Too many ${what} for this account or address. Try again in ${Math.ceil(seconds / 60)} minute(s).`,
  );
}

const text = (what: string) =>
  v.pipe(v.string(`${what} must be a string`), v.nonEmpty(`${what} is required`));
const LoginSchema = v.object({ username: text('username'), password: text('password') });
const PasswordChangeSchema = v.object({
  currentPassword: text('currentPassword'),
  newPassword: text('newPassword'),
});
const RegisterSchema = v.object({
  username: text('username'),
  password: text('password'),
  invitation: v.optional(v.string()),
});
const ResetRequestSchema = v.object({ username: text('username') });
const ResetSchema = v.object({ token: text('token'), newPassword: text('newPassword') });

/** Parses a JSON body with a schema, or answers 400 naming the expected shape. */
export function bodyOf<T>(
  schema: v.GenericSchema<unknown, T>,
  req: Request,
  res: Response,
  shape: string,
): T | undefined {
  const body = v.safeParse(schema, req.body);
  if (body.success) return body.output;
  sendError(res, 400, 'bad_request', `Send JSON ${shape}: ${v.summarize(body.issues)}`);
  return undefined;
}

/** Runs an async route body; user, organization and other known refusals become their status. */
export function handle(
  fn: (req: Request, res: Response) => Promise<void>,
): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    fn(req, res).catch((err: unknown) => {
      if (err instanceof UserError) return sendError(res, err.status, err.code, err.message);
      if (err instanceof Error && 'status' in err && 'code' in err && typeof err.status === 'number')
        return sendError(res, err.status, String(err.code), err.message);
      next(err);
    });
  };
}

/** /api/auth: register, login, logout, me, password change and reset. */
export function authRoutes(deps: AuthDeps, requireAuth: RequestHandler): Router {
  const router = express.Router();
  router.use(express.json({ limit: '16kb' }));

  const session = async (res: Response, user: User, status = 200) => {
    const { token, expiresAt } = await deps.tokens.issue(user.name);
    res.status(status).json({ token, expiresAt: new Date(expiresAt).toISOString(), user });
  };

  router.post(
    '/register',
    handle(async (req, res) => {
      const body = bodyOf(RegisterSchema, req, res, '{"username", "password", "invitation"?}');
      if (!body) return;
      const name = normalizeName(body.username);
      const mode = deps.registration ?? 'open';
      // The very first account can always be made, so a fresh server can be set up.
      if (mode !== 'open' && (await deps.users.count()) > 0) {
        if (mode === 'closed' || !body.invitation)
          return sendError(
            res,
            403,
            'registration_closed',
            mode === 'closed'
              ? 'This server does not take registrations; ask an administrator for an account.'
              : 'This server takes registrations only with an invitation; open the invitation link you were sent.',
          );
        // Throws 404/410/403 for an unknown, expired or someone else's invitation.
        await deps.orgs.lookup(body.invitation, name);
      }
      const user = await deps.users.register(name, body.password);
      if (user.admin) console.log(`loupe: "${user.name}" registered first and is the administrator.`);
      await session(res, user, 201);
    }),
  );

  router.post(
    '/login',
    handle(async (req, res) => {
      const body = bodyOf(LoginSchema, req, res, '{"username", "password"}');
      if (!body) return;
      const name = normalizeName(body.username);
      const ip = req.ip ?? '';
      // Fresh: failures another instance counted a moment ago must count here too.
      const outcome = await deps.limiter.guard(name, ip, () => deps.users.verify(name, body.password), {
        fresh: true,
        clearOnSuccess: true,
      });
      if ('retryAfter' in outcome) return tooMany(res, outcome.retryAfter);
      if (!outcome.value) return sendError(res, 401, 'unauthorized', 'Invalid username or password.');
      await session(res, outcome.value);
    }),
  );

  router.post(
    '/logout',
    requireAuth,
    handle(async (req, res) => {
      const { token } = getAuth(req);
      if (token) await deps.tokens.revoke(token);
      res.json({ ok: true });
    }),
  );

  router.get(
    '/me',
    requireAuth,
    handle(async (req, res) => {
      const { user } = getAuth(req);
      const orgs = await deps.orgs.orgsOf(user.name);
      res.json({ user, orgs: orgs.map(({ org, role }) => orgSummary(org, role)) });
    }),
  );

  router.post(
    '/password',
    requireAuth,
    handle(async (req, res) => {
      const body = bodyOf(PasswordChangeSchema, req, res, '{"currentPassword", "newPassword"}');
      if (!body) return;
      const { user } = getAuth(req);
      const ip = req.ip ?? '';
      const outcome = await deps.limiter.guard(
        user.name,
        ip,
        () => deps.users.verify(user.name, body.currentPassword),
        { fresh: true },
      );
      if ('retryAfter' in outcome) return tooMany(res, outcome.retryAfter);
      if (!outcome.value) return sendError(res, 401, 'unauthorized', 'The current password is not right.');
      await deps.users.setPassword(user.name, body.newPassword);
      await deps.tokens.revokeAllFor(user.name);
      await session(res, user);
    }),
  );

  router.post(
    '/reset/request',
    handle(async (req, res) => {
      const body = bodyOf(ResetRequestSchema, req, res, '{"username"}');
      if (!body) return;
      const name = normalizeName(body.username);
      const ip = req.ip ?? '';
      const wait = await deps.resetLimiter.attempt(name, ip);
      if (wait > 0) return tooMany(res, wait, 'password reset requests');
      // The same answer whether or not the account exists.
      if (await deps.users.get(name)) {
        const { token, expiresAt } = await deps.resets.issue(name);
        console.log(
          `loupe: password reset for "${name}": token ${token} (valid until ${new Date(expiresAt).toISOString()}; POST /api/auth/reset {"token", "newPassword"})`,
        );
      }
      res.status(202).json({ ok: true });
    }),
  );

  router.post(
    '/reset',
    handle(async (req, res) => {
      const body = bodyOf(ResetSchema, req, res, '{"token", "newPassword"}');
      if (!body) return;
      checkPassword(body.newPassword);
      const name = await deps.resets.consume(body.token);
      if (!name || !(await deps.users.get(name)))
        return sendError(
          res,
          400,
          'bad_request',
          'This reset token is unknown, used or expired. Request a new one.',
        );
      await deps.users.setPassword(name, body.newPassword);
      await deps.tokens.revokeAllFor(name);
      res.json({ ok: true });
    }),
  );

  return router;
}
