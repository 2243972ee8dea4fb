/**
 * Models added from disk live in the origin private file system (OPFS): the .onnx bytes as
 * `models/<id>….onnx` and the list of descriptors in `models/index.json`. Readable from the page
 * and from workers; never replicated.
 */
import { newId } from '../core/ids';
import type { ModelDescriptor, ModelFile } from './types';

const DIR = 'models';
const INDEX = 'index.json';

async function modelsDir(): Promise<FileSystemDirectoryHandle> {
  const storage = (globalThis.navigator as Navigator | undefined)?.storage;
  if (!storage?.getDirectory) {
    throw new Error('This browser has no origin private file system, so models cannot be added from disk.');
  }
  const root = await storage.getDirectory();
  return root.getDirectoryHandle(DIR, { create: true });
}

async function writeFile(dir: FileSystemDirectoryHandle, name: string, data: BlobPart): Promise<void> {
  const handle = await dir.getFileHandle(name, { create: true });
  const writable = await handle.createWritable();
  try {
    await writable.write(data);
  } finally {
    await writable.close();
  }
}

export async function listUserModels(): Promise<ModelDescriptor[]> {
  try {
    const dir = await modelsDir();
    const file = await (await dir.getFileHandle(INDEX)).getFile();
    return JSON.parse(await file.text()) as ModelDescriptor[];
  } catch (err) {
    if (err instanceof DOMException && err.name === 'NotFoundError') return [];
    throw err;
  }
}

async function saveIndex(models: ModelDescriptor[]): Promise<void> {
  await writeFile(await modelsDir(), INDEX, JSON.stringify(models));
}

export const newUserModelId = (): string => `user:${newId()}`;

const fileName = (file: ModelFile): string => file.url.slice('opfs:'.length).replace(/[^\w.-]/g, '_');

/** Stores the files, then the descriptor: a failure part-way leaves no half-added model listed. */
export async function addUserModel(
  model: ModelDescriptor,
  files: Record<ModelFile['role'], Uint8Array | undefined>,
): Promise<void> {
  const dir = await modelsDir();
  for (const file of model.files) {
    const bytes = files[file.role];
    if (!bytes) throw new Error(`The ${file.role} file of ${model.name} is missing.`);
    await writeFile(dir, fileName(file), bytes as Uint8Array<ArrayBuffer>);
  }
  const models = (await listUserModels()).filter((m) => m.id !== model.id);
  await saveIndex([...models, model]);
}

export async function removeUserModel(id: string): Promise<void> {
  const models = await listUserModels();
  const model = models.find((m) => m.id === id);
  if (!model) return;
  await saveIndex(models.filter((m) => m.id !== id));
  const dir = await modelsDir();
  for (const file of model.files) await dir.removeEntry(fileName(file)).catch(() => undefined);
}

export async function readUserModelFile(file: ModelFile): Promise<Uint8Array> {
  const dir = await modelsDir();
  try {
    const handle = await dir.getFileHandle(fileName(file));
    return new Uint8Array(await (await handle.getFile()).arrayBuffer());
  } catch {
    throw new Error(
      `The model file ${fileName(file)} is gone from this browser's storage; add the model again.`,
    );
  }
}
