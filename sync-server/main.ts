import { startServer, type RunningServer } from './app';
import { DataDirInUseError } from './datalock';
import { ConfigError, loadConfig, type Config } from './config';

/** `node --import tsx sync-server/main.ts`: serves the app and /db until stopped. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }

  let server: RunningServer;
  try {
    server = await startServer(config);
  } catch (err) {
    if (codeOf(err) === 'EADDRINUSE') {
      fail(
        `Port ${config.port} on ${config.host} is already in use. Stop the other server or set PORT=... to use another port.`,
      );
    }
    if (err instanceof DataDirInUseError) fail(err.message);
    if (codeOf(err) === 'EACCES') {
      fail(
        `Not allowed to listen on port ${config.port} on ${config.host}. Set PORT=... to a port above 1023.`,
      );
    }
    throw err;
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second Ctrl-C means "now".
      process.exit(130);
    }
    stopping = true;
    console.log(`Received ${signal}, shutting down...`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('loupe: error while shutting down:', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  console.log(`Loupe is serving on ${server.url} (data: ${config.dataDir})`);
  console.log(`Databases: ${server.services.backend.describe}`);
  if ((await server.services.users.count()) === 0) {
    console.log(
      'No accounts yet. The first account registered in the app becomes the administrator; or create one with ' +
        '"npx loupe-server create-admin <name>" (or set LOUPE_ADMIN_USER and LOUPE_ADMIN_PASSWORD).',
    );
  }
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function codeOf(err: unknown): unknown {
  return typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
}

main().catch((err: unknown) => {
  console.error('loupe: failed to start:', err);
  process.exit(1);
});
