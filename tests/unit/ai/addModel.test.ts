/** Adding models from disk: which kind a set of files is, and the errors for what cannot be used. */
import { describe, expect, it } from 'vitest';
import { describeFiles, EXAMPLE_SPEC } from '../../../src/lib/ai/addModel';
import { parseGenericSpec } from '../../../src/lib/ai/models';
import { cellDetector, cellPose, GENERIC_SPEC, genericDetector, samDecoderShape } from './fixtures';

const file = (name: string, bytes: Uint8Array | string) => new File([bytes as BlobPart], name);

describe('models added from disk', () => {
  it('reads an Ultralytics export on its own: task, classes and keypoints from the metadata', async () => {
    const { model, bytes } = await describeFiles([file('yolo11n-pose.onnx', cellPose())]);
    expect(model).toMatchObject({
      type: 'detector',
      builtin: false,
      decoder: { kind: 'yolo', task: 'pose', kpt: [2, 3] },
      labels: [{ name: 'person', type: 'skeleton', sublabels: ['1', '2'] }],
      input: { name: 'images', width: 64, height: 64, resize: 'letterbox', pad: 114 },
    });
    expect(model.id).toMatch(/^user:/);
    expect(model.files).toEqual([
      { role: 'model', url: `opfs:${model.id}.onnx`, bytes: bytes.model!.length },
    ]);
  });

  it('takes a detector with its JSON spec', async () => {
    const { model } = await describeFiles([
      file('colours.onnx', genericDetector()),
      file('colours.json', JSON.stringify(GENERIC_SPEC)),
    ]);
    expect(model).toMatchObject({
      name: 'Colour boxes',
      decoder: { kind: 'generic', output: { name: 'dets', format: 'xyxy' } },
    });
    expect(model.labels.map((l) => l.name)).toEqual(['reddish', 'greenish']);
  });

  it('pairs a SAM encoder with its decoder, whichever order they come in', async () => {
    const { model, bytes } = await describeFiles([
      file('decoder.onnx', samDecoderShape()),
      file('tiny_encoder.onnx', cellDetector()),
    ]);
    expect(model).toMatchObject({ type: 'interactor', name: 'tiny', decoder: { kind: 'sam' } });
    expect(model.files.map((f) => f.role)).toEqual(['encoder', 'decoder']);
    expect(bytes.encoder!.length).toBe(cellDetector().length);
  });

  it('explains what is wrong with files it cannot use', async () => {
    await expect(describeFiles([file('notes.txt', 'x')])).rejects.toThrow(
      /notes.txt is neither an .onnx model nor a .json spec/,
    );
    await expect(describeFiles([file('decoder.onnx', samDecoderShape())])).rejects.toThrow(
      /SAM decoder: add it together with its encoder/,
    );
    await expect(describeFiles([file('a.onnx', cellDetector()), file('b.onnx', cellPose())])).rejects.toThrow(
      /SAM pair only when/,
    );
    await expect(describeFiles([file('broken.onnx', 'garbage bytes')])).rejects.toThrow(
      /broken.onnx: Not a readable ONNX model/,
    );
    await expect(
      describeFiles([file('c.onnx', genericDetector()), file('c.json', '{"labels": ["a"]')]),
    ).rejects.toThrow(/c.json is not valid JSON/);
    const wrongOutput = JSON.stringify({
      ...GENERIC_SPEC,
      output: { ...GENERIC_SPEC.output, name: 'boxes' },
    });
    await expect(
      describeFiles([file('c.onnx', genericDetector()), file('c.json', wrongOutput)]),
    ).rejects.toThrow(/names the output "boxes", but c.onnx has "dets"/);
  });

  it('shows a JSON spec example that is itself valid', () => {
    expect(parseGenericSpec(EXAMPLE_SPEC).labels).toEqual(['person', 'car']);
  });
});
