import * as Comlink from 'comlink';
import wasmUrl from '../wasm/build/mask.wasm?url';
import {
  decodeMaskToImage,
  encodeMask,
  intersectMask,
  loadWasmKernels,
  maskIoU,
  maskToPolygons,
  polygonsToMask,
  removeUnderlyingPixels,
  subtractMask,
  tsKernels,
  unionMask,
  type MaskKernels,
} from '../src/lib/core/mask';
import { sliceMask, slicePolygon } from '../src/lib/core/mask/slice';

let kernelsPromise: Promise<MaskKernels> | null = null;

/** The wasm kernels, loaded on first use; the TypeScript ones when wasm cannot be loaded. */
function kernels(): Promise<MaskKernels> {
  kernelsPromise ??= loadWasmKernels(new URL(wasmUrl, self.location.href)).catch((error: unknown) => {
    console.warn('mask kernels: wasm unavailable, using TypeScript', error);
    return tsKernels;
  });
  return kernelsPromise;
}

const api = {
  /** Which kernels run: 'wasm', or 'ts' after a failed load. */
  async kernels(): Promise<'ts' | 'wasm'> {
    return (await kernels()).name;
  },
  /** CVAT points for a full-image bitmap (transfer it), null when empty. */
  async encodeMask(bitmap: Uint8Array, width: number, height: number): Promise<number[] | null> {
    return encodeMask(bitmap, width, height, await kernels());
  },
  /** A full-image bitmap from CVAT points (transferred back). */
  async decodeMask(points: number[], width: number, height: number): Promise<Uint8Array> {
    const bitmap = decodeMaskToImage(points, width, height, await kernels());
    return Comlink.transfer(bitmap, [bitmap.buffer]);
  },
  async maskToPolygons(points: number[], width: number, height: number, accuracy: number) {
    return maskToPolygons(points, width, height, accuracy, await kernels());
  },
  async polygonsToMask(polygons: number[][], width: number, height: number) {
    return polygonsToMask(polygons, width, height, await kernels());
  },
  async subtractMask(a: number[], b: number[]) {
    return subtractMask(a, b, await kernels());
  },
  async unionMask(a: number[], b: number[]) {
    return unionMask(a, b, await kernels());
  },
  async intersectMask(a: number[], b: number[]) {
    return intersectMask(a, b, await kernels());
  },
  async maskIoU(a: number[], b: number[]) {
    return maskIoU(a, b, await kernels());
  },
  /** Joins masks into one (CVAT's J): the union of all of them, or null when all are empty. */
  async joinMasks(masks: number[][]) {
    const k = await kernels();
    let out: number[] | null = masks[0] ?? null;
    for (const m of masks.slice(1)) out = out ? unionMask(out, m, k) : m;
    return out;
  },
  /** Cuts a mask along a polyline (CVAT's Alt+J); the pieces as mask points. */
  async sliceMask(points: number[], line: number[]) {
    return sliceMask(points, line, await kernels());
  },
  /** Cuts a polygon along a polyline; the pieces as polygons. */
  async slicePolygon(polygon: number[], line: number[], width: number, height: number, accuracy: number) {
    return slicePolygon(polygon, line, width, height, accuracy, await kernels());
  },
  /** "Remove underlying pixels": the changed lower masks (points null: emptied, remove it). */
  async removeUnderlyingPixels<K>(drawn: number[], lower: Array<{ key: K; points: number[] }>) {
    return removeUnderlyingPixels(drawn, lower, await kernels());
  },
};

export type MaskWorkerApi = typeof api;

Comlink.expose(api);
