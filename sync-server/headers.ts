/**
 * Headers that make every response cross-origin isolated, so SharedArrayBuffer and wasm
 * threads work. They must be on workers and their nested scripts too, not just the page.
 */
export const crossOriginIsolationHeaders: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
