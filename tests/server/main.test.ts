import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../sync-server/config';
import { startTestServer, tempDirs } from './helpers';
import { runScript } from './process';

const BASE_ENV = {
  HOST: undefined,
  PORT: undefined,
  COUCHDB_URL: undefined,
  LOUPE_ADMIN_USER: undefined,
  LOUPE_ADMIN_PASSWORD: undefined,
};

describe('main.ts', () => {
  it('exits with code 1 and a clear message when the port is taken', async () => {
    const server = await startTestServer();
    try {
      const result = await runScript('sync-server/main.ts', [], {
        env: {
          ...BASE_ENV,
          PORT: String(server.port),
          HOST: '127.0.0.1',
          LOUPE_DATA_DIR: server.dirs.dataDir,
        },
      });
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(
        `Port ${server.port} on 127.0.0.1 is already in use. Stop the other server or set PORT=... to use another port.`,
      );
    } finally {
      await server.stop();
    }
  });

  it('exits with code 1 and a clear message when another server uses the data directory', async () => {
    const server = await startTestServer();
    try {
      const result = await runScript('sync-server/main.ts', [], {
        env: { ...BASE_ENV, PORT: '0', LOUPE_DATA_DIR: server.dirs.dataDir },
      });
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(
        `The data directory ${server.dirs.dataDir} is in use by another Loupe server (pid ${process.pid}). Stop it or set LOUPE_DATA_DIR=... to another directory.`,
      );
    } finally {
      await server.stop();
    }
  });

  it('prints where it serves and shuts down cleanly on SIGTERM', async () => {
    const dirs = await tempDirs();
    let sent = false;
    try {
      const result = await runScript('sync-server/main.ts', [], {
        env: { ...BASE_ENV, PORT: '0', LOUPE_DATA_DIR: dirs.dataDir, LOUPE_APP_DIR: dirs.appDir },
        until: (stdout, kill) => {
          if (!sent && stdout.includes('No accounts yet')) {
            sent = true;
            kill('SIGTERM');
          }
        },
      });
      expect(result.stdout).toMatch(
        new RegExp(
          `^Loupe is serving on http://127\\.0\\.0\\.1:\\d+ \\(data: ${dirs.dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)$`,
          'm',
        ),
      );
      expect(result.stdout).toContain('No accounts yet');
      expect(result.stdout).toContain('Received SIGTERM, shutting down');
      expect(result.code).toBe(0);
      // The data directory lock is released on a clean shutdown.
      expect(existsSync(join(dirs.dataDir, 'loupe', 'server.pid'))).toBe(false);
    } finally {
      await dirs.cleanup();
    }
  });

  it('exits with code 1 and names the variable when COUCHDB_URL is invalid', async () => {
    const result = await runScript('sync-server/main.ts', [], {
      env: { ...BASE_ENV, PORT: '0', COUCHDB_URL: 'couch.example.com:5984' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Invalid configuration');
    expect(result.stderr).toContain('COUCHDB_URL must be an http:// or https:// URL');
  });
});

describe('loadConfig', () => {
  it('applies defaults and resolves paths', () => {
    const config = loadConfig({}, '/srv/loupe');
    expect(config).toEqual({
      port: 8080,
      host: '127.0.0.1',
      dataDir: '/srv/loupe/data',
      appDir: '/srv/loupe/build',
    });
  });

  it('reads every variable', () => {
    const config = loadConfig(
      {
        PORT: '9000',
        HOST: '0.0.0.0',
        LOUPE_DATA_DIR: '/var/lib/loupe',
        LOUPE_APP_DIR: 'dist',
        COUCHDB_URL: 'https://admin:secret@couch.internal:6984/',
        LOUPE_ADMIN_USER: 'root',
        LOUPE_ADMIN_PASSWORD: 'long-enough',
        LOUPE_ORIGIN: 'https://loupe.example.com, http://127.0.0.1:5173',
        LOUPE_MAX_BLOB_MB: '100',
        LOUPE_TOKEN_DAYS: '7',
        LOUPE_BLOB_DIR: 'media',
        LOUPE_TRUST_PROXY: '10.0.0.0/8',
        LOUPE_REGISTRATION: 'invite',
      },
      '/srv',
    );
    expect(config).toEqual({
      port: 9000,
      host: '0.0.0.0',
      dataDir: '/var/lib/loupe',
      appDir: '/srv/dist',
      couchdbUrl: 'https://admin:secret@couch.internal:6984',
      bootstrapAdmin: { username: 'root', password: 'long-enough' },
      origins: ['https://loupe.example.com', 'http://127.0.0.1:5173'],
      maxBlobBytes: 100 * 1024 * 1024,
      tokenLifetimeMs: 7 * 86_400_000,
      blobDir: '/srv/media',
      trustProxy: '10.0.0.0/8',
      registration: 'invite',
    });
  });

  it('rejects bad origins and sizes with the variable named', () => {
    expect(() => loadConfig({ LOUPE_ORIGIN: 'https://x.example/path' })).toThrow(/LOUPE_ORIGIN/);
    expect(() => loadConfig({ LOUPE_MAX_BLOB_MB: 'lots' })).toThrow(/LOUPE_MAX_BLOB_MB/);
    expect(() => loadConfig({ LOUPE_TOKEN_DAYS: '0' })).toThrow(/LOUPE_TOKEN_DAYS/);
    expect(() => loadConfig({ LOUPE_REGISTRATION: 'sometimes' })).toThrow(/LOUPE_REGISTRATION/);
  });

  it('rejects a COUCHDB_URL that is not http(s), without printing its password', () => {
    for (const url of ['couch:5984', 'ftp://admin:hunter22@couch', 'not a url']) {
      expect(() => loadConfig({ COUCHDB_URL: url }), url).toThrow(ConfigError);
    }
    let message = '';
    try {
      loadConfig({ COUCHDB_URL: 'ftp://admin:hunter22@couch' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain(
      'COUCHDB_URL must be an http:// or https:// URL such as http://admin:password@127.0.0.1:5984',
    );
    expect(message).toContain('ftp://admin:***@couch');
    expect(message).not.toContain('hunter22');
  });

  it('lists every problem at once', () => {
    expect(() => loadConfig({ PORT: '99999', LOUPE_ADMIN_USER: 'Root User' })).toThrow(
      /PORT must be a number from 0 to 65535[\s\S]*LOUPE_ADMIN_USER must use/,
    );
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT must be a number/);
    expect(() => loadConfig({ LOUPE_ADMIN_USER: 'root' })).toThrow(/must be set together/);
    expect(() => loadConfig({ LOUPE_ADMIN_USER: 'root', LOUPE_ADMIN_PASSWORD: 'short' })).toThrow(
      /at least 8 characters/,
    );
  });
});
