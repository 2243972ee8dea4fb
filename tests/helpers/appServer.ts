/** The real Loupe server on a free loopback port, serving the built app from `build/`. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startServer, type RunningServer } from '../../sync-server/app';

export const APP_DIR = resolve('build');
export const ASSETS = resolve('..', 'shared', 'assets');

export interface TestServer {
  url: string;
  server: RunningServer;
  dataDir: string;
  stop(): Promise<void>;
}

export interface TestServerOptions {
  admin?: { username: string; password: string };
  /** Serve another copy of the built app (to test deploying a new version). */
  appDir?: string;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const { admin, appDir = APP_DIR } = options;
  if (!existsSync(join(APP_DIR, 'index.html'))) {
    throw new Error('The app is not built: run `npm run build` before the end-to-end tests.');
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'loupe-e2e-'));
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    appDir,
    ...(admin ? { bootstrapAdmin: admin } : {}),
  });
  return {
    url: server.url,
    server,
    dataDir,
    async stop() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
