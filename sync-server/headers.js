/**
 * Headers that make every response cross-origin isolated, so SharedArrayBuffer and wasm
 * threads work. They must be on workers and their nested scripts too, not just the page.
 * Plain JavaScript so that vite.config.ts can import it without a TypeScript loader.
 * @type {Readonly<Record<string, string>>}
 */
export const crossOriginIsolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
