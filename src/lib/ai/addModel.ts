/**
 * "Add a model from disk": one Ultralytics .onnx, an .onnx with its JSON spec, or a SAM encoder
 * and decoder pair. Works out which from the files, validates them, and stores them in OPFS.
 */
import { describeUserModel, isSamDecoder, ModelSpecError, parseGenericSpec, samDescriptor } from './models';
import { readOnnxInfo, type OnnxInfo } from './onnxInfo';
import type { ModelDescriptor } from './types';
import { addUserModel, newUserModelId } from './userModels';

interface Picked {
  name: string;
  bytes: Uint8Array;
  info: OnnxInfo;
}

export const EXAMPLE_SPEC = `{
  "name": "My detector",
  "labels": ["person", "car"],
  "input": { "width": 640, "height": 640, "layout": "nchw", "resize": "letterbox", "scale": 0.00392157 },
  "output": { "name": "dets", "format": "xyxy", "normalized": false, "box": 0, "score": 4, "class": 5 },
  "iouThreshold": 0.45,
  "threshold": 0.5
}`;

/** The descriptor and bytes for the picked files, without storing anything. */
export async function describeFiles(
  files: readonly File[],
): Promise<{ model: ModelDescriptor; bytes: Record<string, Uint8Array> }> {
  const onnxFiles = files.filter((f) => /\.onnx$/i.test(f.name));
  const jsonFiles = files.filter((f) => /\.json$/i.test(f.name));
  const other = files.filter((f) => !onnxFiles.includes(f) && !jsonFiles.includes(f));
  if (other.length > 0)
    throw new ModelSpecError(`${other[0]!.name} is neither an .onnx model nor a .json spec.`);
  if (onnxFiles.length === 0)
    throw new ModelSpecError('Pick an .onnx file (and, for a generic detector, its .json spec).');
  const picked: Picked[] = [];
  for (const f of onnxFiles) {
    const bytes = new Uint8Array(await f.arrayBuffer());
    try {
      picked.push({ name: f.name, bytes, info: readOnnxInfo(bytes) });
    } catch (err) {
      throw new ModelSpecError(`${f.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const id = newUserModelId();
  if (picked.length === 2) {
    const decoder = picked.find((p) => isSamDecoder(p.info));
    const encoder = picked.find((p) => p !== decoder);
    if (!decoder || !encoder) {
      throw new ModelSpecError(
        'Two .onnx files make a SAM pair only when one of them is a SAM decoder (image_embeddings, point_coords, point_labels).',
      );
    }
    const model = samDescriptor(
      { info: encoder.info, fileName: encoder.name, bytes: encoder.bytes.length },
      { info: decoder.info, fileName: decoder.name, bytes: decoder.bytes.length },
      id,
    );
    return { model, bytes: { encoder: encoder.bytes, decoder: decoder.bytes } };
  }
  if (picked.length > 2)
    throw new ModelSpecError('Add one model at a time (two files only for a SAM encoder and decoder).');
  const [one] = picked as [Picked];
  const specFile = jsonFiles[0];
  const spec = specFile ? parseGenericSpec(await specFile.text(), specFile.name) : undefined;
  return {
    model: describeUserModel(one.info, one.name, id, one.bytes.length, spec),
    bytes: { model: one.bytes },
  };
}

export async function addModelFromFiles(files: readonly File[]): Promise<ModelDescriptor> {
  const { model, bytes } = await describeFiles(files);
  await addUserModel(model, { model: bytes.model, encoder: bytes.encoder, decoder: bytes.decoder });
  return model;
}
