import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    // A pure SPA: every route renders in the browser, and unknown paths fall back to index.html.
    adapter: adapter({ fallback: 'index.html', strict: false }),
    alias: { $workers: 'workers' },
    serviceWorker: { register: false },
  },
};

export default config;
