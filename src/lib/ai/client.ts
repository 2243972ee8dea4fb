/**
 * The page side of the AI tools: the model list (built-in and user models), their offline state,
 * and detector runs in the inference worker.
 */
import { getInferenceWorker, type DetectResult } from '$lib/workers/inference';
import * as Comlink from 'comlink';
import { BUILTIN_MODELS, ModelManifestSchema, type ModelManifest } from './models';
import { isModelCached } from './runtime';
import { backendPreference } from './settings';
import type { DetectOptions, ModelDescriptor } from './types';
import { listUserModels } from './userModels';
import * as v from 'valibot';

let manifest: Promise<ModelManifest> | null = null;

/** Sizes of the built-in files; empty when the build has no models (then they show as missing). */
export function modelManifest(): Promise<ModelManifest> {
  manifest ??= fetch('/models/manifest.json')
    .then(async (r) => (r.ok ? v.parse(ModelManifestSchema, await r.json()) : {}))
    .catch(() => ({}));
  return manifest;
}

export interface ListedModel extends ModelDescriptor {
  /** Every file is in the build (built-ins) or in storage (user models). */
  present: boolean;
  /** Every file loads without the network. */
  offline: boolean;
  totalBytes: number;
}

export async function listModels(): Promise<ListedModel[]> {
  const [files, users] = await Promise.all([modelManifest(), listUserModels().catch(() => [])]);
  const builtins = await Promise.all(
    BUILTIN_MODELS.map(async (m) => {
      const sized = m.files.map((f) => ({ ...f, bytes: files[f.url]?.bytes ?? 0 }));
      const present = sized.every((f) => files[f.url] !== undefined);
      const offline = present && (await Promise.all(sized.map((f) => isModelCached(f.url)))).every(Boolean);
      return { ...m, files: sized, present, offline, totalBytes: sized.reduce((a, f) => a + f.bytes, 0) };
    }),
  );
  const mine = users.map((m) => ({
    ...m,
    present: true,
    offline: true,
    totalBytes: m.files.reduce((a, f) => a + f.bytes, 0),
  }));
  return [...builtins, ...mine];
}

let configured: string | null = null;

/** The worker, with this device's backend setting applied. */
async function worker() {
  const w = getInferenceWorker();
  const pref = backendPreference();
  if (configured !== pref) {
    await w.setBackend(pref);
    configured = pref;
  }
  return w;
}

export async function backendInfo() {
  return (await worker()).backendInfo();
}

/** Descriptors often come from reactive state (proxies), which cannot cross to a worker. */
const plain = (model: ModelDescriptor): ModelDescriptor =>
  JSON.parse(JSON.stringify(model)) as ModelDescriptor;

export async function prepareModel(model: ModelDescriptor) {
  return (await worker()).prepare(plain(model));
}

/**
 * Runs a detector on a frame. The bitmap is copied before it is transferred, because frame
 * bitmaps belong to the frame cache.
 */
export async function detect(
  model: ModelDescriptor,
  frame: ImageBitmap,
  options: DetectOptions,
): Promise<DetectResult> {
  const copy = await createImageBitmap(frame);
  return (await worker()).detect(plain(model), Comlink.transfer(copy, [copy]), { ...options });
}

export async function releaseModel(modelId: string): Promise<void> {
  await (await worker()).release(modelId);
}
