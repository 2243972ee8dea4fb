/// <reference types="@webgpu/types" />
/// <reference types="vite-plugin-pwa/client" />
/// <reference types="vite-plugin-pwa/svelte" />

declare global {
  namespace App {}
}

export {};
