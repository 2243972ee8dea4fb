// Compiles the AssemblyScript kernels in wasm/assembly/ to wasm/build/*.wasm (release target of
// wasm/asconfig.json). Skips the compile when the output is newer than every source; pass
// --force to compile anyway.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const wasmDir = join(root, 'wasm');
const sources = readdirSync(join(wasmDir, 'assembly'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => join(wasmDir, 'assembly', f));
const inputs = [...sources, join(wasmDir, 'asconfig.json')];
const output = join(wasmDir, 'build', 'mask.wasm');

const force = process.argv.includes('--force');
const newest = Math.max(...inputs.map((f) => statSync(f).mtimeMs));
if (!force && existsSync(output) && statSync(output).mtimeMs >= newest) {
  console.log(`wasm: ${output} is up to date`);
  process.exit(0);
}

const started = Date.now();
const { error, stderr } = await asc.main([
  join(wasmDir, 'assembly', 'mask.ts'),
  '--config',
  join(wasmDir, 'asconfig.json'),
  '--target',
  'release',
]);
if (error) {
  console.error(stderr.toString());
  console.error(`wasm: build failed: ${error.message}`);
  process.exit(1);
}
console.log(`wasm: built ${output} (${statSync(output).size} bytes) in ${Date.now() - started} ms`);
