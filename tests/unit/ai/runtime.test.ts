import { describe, expect, it } from 'vitest';
import { chooseBackend, wasmThreads, type AdapterReport } from '../../../src/lib/ai/runtime';

const none: AdapterReport = {
  available: false,
  fallback: false,
  vendor: '',
  architecture: '',
  reason: 'no WebGPU',
};
const swiftshader: AdapterReport = {
  available: true,
  fallback: true,
  vendor: 'google',
  architecture: 'swiftshader',
};
const nvidia: AdapterReport = { available: true, fallback: false, vendor: 'nvidia', architecture: 'hopper' };
const isolated = { crossOriginIsolated: true, cores: 2 };

describe('backend choice', () => {
  it('uses WebGPU automatically only on a real adapter', () => {
    expect(chooseBackend('auto', nvidia, isolated).backend).toBe('webgpu');
    expect(chooseBackend('auto', swiftshader, isolated)).toMatchObject({
      backend: 'wasm',
      reason: expect.stringContaining('software fallback'),
    });
    expect(chooseBackend('auto', none, isolated).backend).toBe('wasm');
  });

  it('lets the setting force either backend', () => {
    expect(chooseBackend('wasm', nvidia, isolated).backend).toBe('wasm');
    expect(chooseBackend('webgpu', swiftshader, isolated)).toMatchObject({
      backend: 'webgpu',
      reason: expect.stringContaining('fallback'),
    });
    expect(() => chooseBackend('webgpu', none, isolated)).toThrow(/WebGPU is forced.*no WebGPU/);
  });

  it('threads wasm only when cross-origin isolated, leaving a core for the page on bigger machines', () => {
    expect(wasmThreads({ crossOriginIsolated: false, cores: 16 })).toBe(1);
    expect(wasmThreads({ crossOriginIsolated: true, cores: 2 })).toBe(2);
    expect(wasmThreads({ crossOriginIsolated: true, cores: 16 }, 4)).toBe(4);
    expect(wasmThreads({ crossOriginIsolated: true, cores: 3 }, 8)).toBe(2);
    expect(chooseBackend('auto', none, { crossOriginIsolated: false, cores: 8 })).toMatchObject({
      threads: 1,
      reason: expect.stringContaining('not cross-origin isolated'),
    });
  });
});
