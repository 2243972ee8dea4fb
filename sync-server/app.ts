import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, {
  type Express,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import pkg from '../package.json' with { type: 'json' };
import { join } from 'node:path';
import { authRoutes, createAuthenticator, sendError } from './auth';
import { blobRoutes, DEFAULT_MAX_BLOB_BYTES } from './blobRoutes';
import { fileBlobStore, type BlobStore } from './blobs';
import type { Config } from './config';
import { corsGate } from './cors';
import { createEmbeddedBackend, createProxyBackend, type CouchBackend } from './couch';
import { lockDataDir } from './datalock';
import type { FormatLookup } from './export';
import { exportRoutes } from './exportRoutes';
import { serverFormats } from './formats';
import { dbGate } from './gate';
import { crossOriginIsolationHeaders } from './headers';
import { orgRoutes } from './orgRoutes';
import { emptyOrgsFile, OrgsFileSchema, OrgStore } from './orgs';
import { LoginLimiter, RESET_REQUEST_LIMITS } from './ratelimit';
import { couchRecords, fileRecords } from './records';
import { ResetStore } from './resets';
import { staticApp } from './static';
import { TokenStore } from './tokens';
import { UserStore } from './users';

export const VERSION: string = pkg.version;

/**
 * Everything the server holds. Its state is the CouchDB backend (documents, and with
 * COUCHDB_URL the accounts, organizations and sign-in limits too), the record files in the data directory
 * (embedded mode) and the blob store; nothing else survives a request.
 */
export interface Services {
  users: UserStore;
  tokens: TokenStore;
  orgs: OrgStore;
  resets: ResetStore;
  limiter: LoginLimiter;
  resetLimiter: LoginLimiter;
  backend: CouchBackend;
  blobs: BlobStore;
  formats: FormatLookup;
}

export function createServices(config: Config, formats: FormatLookup = serverFormats): Services {
  const records = config.couchdbUrl ? couchRecords(config.couchdbUrl) : fileRecords(config.dataDir);
  return {
    users: new UserStore(records),
    tokens: new TokenStore(records, config.tokenLifetimeMs),
    orgs: new OrgStore(records.open('orgs', OrgsFileSchema, emptyOrgsFile)),
    resets: new ResetStore(records),
    limiter: new LoginLimiter(records, 'login-failures', config.loginLimits),
    resetLimiter: new LoginLimiter(records, 'reset-requests', RESET_REQUEST_LIMITS),
    backend: config.couchdbUrl
      ? createProxyBackend(config.couchdbUrl)
      : createEmbeddedBackend(config.dataDir),
    blobs: fileBlobStore(config.blobDir ?? join(config.dataDir, 'blobs')),
    formats,
  };
}

export function createApp(config: Config, services: Services = createServices(config)): Express {
  const app = express();
  app.disable('x-powered-by');
  // Behind a reverse proxy the real client address (for the login limit) and scheme (for
  // the CORS origin check) come from X-Forwarded-*, believed only from these addresses.
  app.set('trust proxy', config.trustProxy ?? 'loopback');

  // First, so static files, /db, errors and 404s are all cross-origin isolated.
  app.use((_req, res, next) => {
    res.set(crossOriginIsolationHeaders);
    next();
  });

  const { requireAuth } = createAuthenticator(services);

  app.get('/api/health', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ ok: true, version: VERSION });
  });
  const cors = corsGate(config.origins ?? []);
  const backendReady: RequestHandler = (_req, _res, next) => {
    services.backend.start().then(() => next(), next);
  };
  app.use('/api', cors, (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use('/api/auth', authRoutes({ ...services, registration: config.registration ?? 'open' }, requireAuth));
  app.use('/api', orgRoutes(services, requireAuth));
  app.use(
    '/api/workspaces/:ws/blobs',
    blobRoutes({ ...services, maxBlobBytes: config.maxBlobBytes ?? DEFAULT_MAX_BLOB_BYTES }, requireAuth),
  );
  app.use('/api/workspaces/:ws', backendReady, exportRoutes(services, requireAuth));
  app.use('/api', requireAuth, (_req, res) => sendError(res, 404, 'not_found', 'No such API endpoint.'));

  app.use(
    '/db',
    cors,
    requireAuth,
    backendReady,
    dbGate(services.orgs, services.backend),
    services.backend.handler,
  );

  app.use(staticApp(config.appDir));

  app.use((_req, res) => sendError(res, 404, 'not_found', 'Nothing here.'));

  // Express needs all four parameters to treat this as the error handler.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = httpStatusOf(err);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const upstream = status === 502;
    if (status >= 500 && !upstream) console.error(`loupe: ${req.method} ${req.originalUrl} failed:`, err);
    const reason =
      status >= 500 && !upstream ? 'The server hit an unexpected error; see its log.' : errorMessage(err);
    const code =
      status === 502
        ? 'bad_gateway'
        : status >= 500
          ? 'server_error'
          : status === 404
            ? 'not_found'
            : status === 413
              ? 'too_large'
              : 'bad_request';
    sendError(res, status, code, reason);
  });

  return app;
}

export interface RunningServer {
  url: string;
  port: number;
  services: Services;
  close(): Promise<void>;
}

/** Starts the server; with port 0 the system picks a free port, reported back in `port`. */
/**
 * Each live client holds one change listener per database it follows (PouchDB's change feeds
 * are event emitters), so 20 connected clients are 20 listeners on a database: normal load, not
 * the leak Node's default warning at 11 assumes.
 */
const LIVE_LISTENERS = 1000;

export async function startServer(config: Config): Promise<RunningServer> {
  EventEmitter.defaultMaxListeners = Math.max(EventEmitter.defaultMaxListeners, LIVE_LISTENERS);
  const services = createServices(config);
  const app = createApp(config, services);
  let server: Server | undefined;
  let unlock: (() => Promise<void>) | undefined;
  try {
    // Listen first, so a taken port is reported before anything touches the data directory.
    server = await listen(app, config.port, config.host);
    unlock = await lockDataDir(config.dataDir);
    await services.backend.start();
    if (config.bootstrapAdmin) {
      await services.users.addIfNone(config.bootstrapAdmin.username, config.bootstrapAdmin.password, {
        admin: true,
      });
    }
  } catch (err) {
    await closeServer(server);
    await services.backend.close().catch(() => undefined);
    await unlock?.();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const running = server;
  const release = unlock;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    services,
    close() {
      closing ??= (async () => {
        await closeServer(running);
        await services.backend.close();
        await release();
      })();
      return closing;
    },
  };
}

async function closeServer(server: Server | undefined): Promise<void> {
  if (!server?.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Live _changes feeds would otherwise hold the server open.
  server.closeAllConnections();
  await closed;
}

function listen(app: Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('listening', () => {
      server.off('error', reject);
      resolve(server);
    });
    server.once('error', reject);
  });
}

function httpStatusOf(err: unknown): number {
  if (typeof err === 'object' && err !== null) {
    const status = 'status' in err ? err.status : 'statusCode' in err ? err.statusCode : undefined;
    if (typeof status === 'number' && status >= 400 && status < 600) return status;
  }
  return 500;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
