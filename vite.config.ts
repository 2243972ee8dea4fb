import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { crossOriginIsolationHeaders } from './sync-server/headers.js';

// `server.headers` does not reach the HTML that SvelteKit renders in dev, so the page would not
// be cross-origin isolated there; this middleware puts the headers on every response.
const crossOriginIsolation: Plugin = {
  name: 'loupe:cross-origin-isolation',
  configureServer(server) {
    server.middlewares.use((_req, res, next) => {
      for (const [k, v] of Object.entries(crossOriginIsolationHeaders)) res.setHeader(k, v);
      next();
    });
  },
  configurePreviewServer(server) {
    server.middlewares.use((_req, res, next) => {
      for (const [k, v] of Object.entries(crossOriginIsolationHeaders)) res.setHeader(k, v);
      next();
    });
  },
};

// Big wasm, model and media-runtime files are fetched on demand and cached at runtime,
// never precached: the shell must install fast and stay small.
const LAZY_ASSET = /\.(wasm|onnx)$|opencv|ffmpeg-core|ort-wasm/;

export default defineConfig({
  plugins: [
    crossOriginIsolation,
    sveltekit(),
    SvelteKitPWA({
      registerType: 'prompt',
      strategies: 'generateSW',
      injectRegister: false,
      manifest: {
        name: 'Loupe',
        short_name: 'Loupe',
        description: 'Image and video annotation that works offline in the browser.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#15171c',
        theme_color: '#15171c',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,ico,png,svg,webmanifest}'],
        globIgnores: ['**/*opencv*', '**/*ffmpeg*', '**/*ort*.mjs', '**/models/**'],
        maximumFileSizeToCacheInBytes: 2 * 1024 * 1024,
        cleanupOutdatedCaches: true,
        navigateFallbackDenylist: [/^\/db/, /^\/api/],
        runtimeCaching: [
          {
            urlPattern: ({ url }) => url.origin === self.location.origin && LAZY_ASSET.test(url.pathname),
            handler: 'CacheFirst',
            options: { cacheName: 'loupe-runtimes', expiration: { maxEntries: 64 } },
          },
        ],
      },
      kit: { spa: true, adapterFallback: 'index.html' },
    }),
  ],
  server: {
    host: '127.0.0.1',
    headers: crossOriginIsolationHeaders,
    fs: { allow: ['workers', 'wasm'] },
  },
  preview: { host: '127.0.0.1', headers: crossOriginIsolationHeaders },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['@ffmpeg/ffmpeg', '@ffmpeg/util', 'onnxruntime-web'] },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          include: ['src/**/*.test.ts', 'tests/unit/**/*.test.ts', 'workers/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'server',
          environment: 'node',
          include: ['tests/server/**/*.test.ts'],
          testTimeout: 30_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['tests/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
