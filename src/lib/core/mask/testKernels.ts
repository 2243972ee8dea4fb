/** Test helper: the wasm kernels built from wasm/assembly, compiling them first when missing. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MaskKernels } from './rle';
import { loadWasmKernels } from './wasmKernels';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export async function loadBuiltWasmKernels(): Promise<MaskKernels> {
  execFileSync(process.execPath, ['scripts/build-wasm.mjs'], { cwd: ROOT, stdio: 'pipe' });
  return loadWasmKernels(readFileSync(`${ROOT}wasm/build/mask.wasm`));
}
