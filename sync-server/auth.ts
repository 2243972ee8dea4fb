import { createHash } from 'node:crypto';
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
  type Router,
} from 'express';
import * as v from 'valibot';
import type { Access } from './access';
import type { TokenStore } from './tokens';
import type { User, UserStore } from './users';

/**
 * Who is calling: a bearer token from /api/auth/login, or HTTP Basic credentials so that
 * plain CouchDB clients (curl, PouchDB with a user in the URL) work too.
 */
export interface Auth {
  user: User;
  /** The bearer token used, if any (what logout revokes). */
  token?: string;
}

export interface AuthDeps {
  users: UserStore;
  tokens: TokenStore;
  access: Access;
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

  /** Resolves the caller, or returns the reason for a 401. */
  async function authenticate(req: Request): Promise<Auth | string> {
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
      const user = await checkBasic(normalizeName(decoded.slice(0, colon)), decoded.slice(colon + 1));
      return user ? { user } : 'Invalid username or password.';
    }
    return `Unsupported Authorization scheme "${scheme}": use Bearer or Basic.`;
  }

  const requireAuth: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    authenticate(req).then((result) => {
      if (typeof result === 'string') return sendError(res, 401, 'unauthorized', result);
      authOf.set(req, result);
      next();
    }, next);
  };

  return { authenticate, requireAuth };
}

export function normalizeName(name: string): string {
  return name.trim().toLowerCase();
}

const LoginSchema = v.object({
  username: v.pipe(v.string('username must be a string'), v.nonEmpty('username is required')),
  password: v.pipe(v.string('password must be a string'), v.nonEmpty('password is required')),
});

/** /api/auth/login, /logout and /me. */
export function authRoutes(deps: AuthDeps, requireAuth: RequestHandler): Router {
  const router = express.Router();
  const json = express.json({ limit: '16kb' });

  router.post('/login', json, (req, res, next) => {
    const body = v.safeParse(LoginSchema, req.body);
    if (!body.success) {
      return sendError(
        res,
        400,
        'bad_request',
        `Send JSON {"username", "password"}: ${v.summarize(body.issues)}`,
      );
    }
    (async () => {
      const user = await deps.users.verify(normalizeName(body.output.username), body.output.password);
      if (!user) return sendError(res, 401, 'unauthorized', 'Invalid username or password.');
      const { token, expiresAt } = await deps.tokens.issue(user.name);
      res.json({ token, expiresAt: new Date(expiresAt).toISOString(), user });
    })().catch(next);
  });

  router.post('/logout', requireAuth, (req, res, next) => {
    const { token } = getAuth(req);
    (token ? deps.tokens.revoke(token) : Promise.resolve()).then(() => res.json({ ok: true }), next);
  });

  router.get('/me', requireAuth, (req, res, next) => {
    const { user } = getAuth(req);
    deps.access.databasesOf(user.name).then((databases) => res.json({ user, databases }), next);
  });

  return router;
}
