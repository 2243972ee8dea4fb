/** AI settings of this device: the inference backend (automatic, or forced wasm / WebGPU). */
import { BACKEND_PREFERENCES, type BackendPreference } from './runtime';

const KEY = 'loupe.ai.backend';

export function backendPreference(): BackendPreference {
  const stored = globalThis.localStorage?.getItem(KEY);
  return BACKEND_PREFERENCES.includes(stored as BackendPreference) ? (stored as BackendPreference) : 'auto';
}

export function setBackendPreference(value: BackendPreference): void {
  globalThis.localStorage?.setItem(KEY, value);
}
