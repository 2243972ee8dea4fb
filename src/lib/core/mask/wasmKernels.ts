/**
 * The wasm build of the mask kernels (wasm/assembly/mask.ts), behind the same `MaskKernels`
 * contract as the TypeScript reference.
 */
import type { MaskKernels } from './rle';

interface MaskExports {
  memory: WebAssembly.Memory;
  alloc(size: number): number;
  free(ptr: number): void;
  rleEncode(src: number, len: number, out: number, capacity: number): number;
  rleDecode(runs: number, count: number, out: number, len: number): number;
}

/** An instance whose memory grew past this is dropped after the call (wasm memory never shrinks). */
const RECYCLE_BYTES = 64 * 1024 * 1024;

const imports = {
  env: {
    abort(): never {
      throw new Error('mask kernel aborted');
    },
  },
};

/** Kernels over an already compiled module; each instance is created on first use. */
export function wasmKernelsFromModule(module: WebAssembly.Module): MaskKernels {
  let current: MaskExports | null = null;
  const instance = (): MaskExports => {
    current ??= new WebAssembly.Instance(module, imports).exports as unknown as MaskExports;
    return current;
  };
  const recycle = () => {
    if (current && current.memory.buffer.byteLength > RECYCLE_BYTES) current = null;
  };

  const encodeWith = (ex: MaskExports, bitmap: Uint8Array, capacity: number): Uint32Array | null => {
    const len = bitmap.length;
    const src = ex.alloc(len) >>> 0;
    const out = ex.alloc(capacity * 4) >>> 0;
    try {
      new Uint8Array(ex.memory.buffer, src, len).set(bitmap);
      const n = ex.rleEncode(src, len, out, capacity);
      return n < 0 ? null : new Uint32Array(ex.memory.buffer, out, n).slice();
    } finally {
      ex.free(out);
      ex.free(src);
    }
  };

  return {
    name: 'wasm',
    encodeRle(bitmap) {
      const len = bitmap.length;
      if (len === 0) return new Uint32Array(0);
      const ex = instance();
      try {
        // Realistic masks have few runs; only noise needs the worst case of one run per pixel.
        const guess = Math.min(len + 17, 4096 + (len >>> 4));
        return encodeWith(ex, bitmap, guess) ?? encodeWith(ex, bitmap, len + 17)!;
      } finally {
        recycle();
      }
    },
    decodeRle(runs, length, out) {
      const ex = instance();
      const count = runs.length;
      const runsPtr = ex.alloc(count * 4) >>> 0;
      const outPtr = ex.alloc(length) >>> 0;
      try {
        new Uint32Array(ex.memory.buffer, runsPtr, count).set(runs);
        ex.rleDecode(runsPtr, count, outPtr, length);
        const bytes = new Uint8Array(ex.memory.buffer, outPtr, length);
        if (out) {
          out.set(bytes);
          return out;
        }
        return bytes.slice();
      } finally {
        ex.free(outPtr);
        ex.free(runsPtr);
        recycle();
      }
    },
  };
}

/** Compiles the kernels from the .wasm bytes, a compiled module, or a URL to fetch. */
export async function loadWasmKernels(
  source: BufferSource | WebAssembly.Module | URL | string,
): Promise<MaskKernels> {
  let module: WebAssembly.Module;
  if (source instanceof WebAssembly.Module) {
    module = source;
  } else if (typeof source === 'string' || source instanceof URL) {
    const res = await fetch(source);
    if (!res.ok) throw new Error(`fetching mask kernels failed: HTTP ${res.status}`);
    module = await WebAssembly.compile(await res.arrayBuffer());
  } else {
    module = await WebAssembly.compile(source);
  }
  const kernels = wasmKernelsFromModule(module);
  // Fail here, not on first use, when the module is not the one expected.
  kernels.encodeRle(new Uint8Array([0, 1]));
  return kernels;
}
