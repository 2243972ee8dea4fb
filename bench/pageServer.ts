/**
 * Serves a benchmark page (bench/pages/<entry>) bundled with esbuild, cross-origin isolated like
 * the app, on a free loopback port. Bench pages use the real store code against real IndexedDB.
 */
import { join } from 'node:path';
import { serveBundledPage, type TestPage } from '../tests/helpers/bundlePage';

export type BenchPage = TestPage;

export function serveBenchPage(entry: string): Promise<BenchPage> {
  return serveBundledPage(join(import.meta.dirname, 'pages', entry), { minify: true });
}
