/**
 * A stand-in SAM decoder built with onnx-proto: it has the real decoder's inputs and outputs,
 * and its mask logits are +1 on the pixels whose centres, in model pixels, fall inside the box
 * given by the first two prompt points, -1 elsewhere; the IoU prediction is always 0.5.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

function info(name: string, dims: Array<number | string>) {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType: FLOAT,
        shape: onnx.TensorShapeProto.create({
          dim: dims.map((d) =>
            typeof d === 'number'
              ? onnx.TensorShapeProto.Dimension.create({ dimValue: d })
              : onnx.TensorShapeProto.Dimension.create({ dimParam: d }),
          ),
        }),
      }),
    }),
  });
}

const scalar = (name: string, v: number) =>
  onnx.TensorProto.create({ name, dims: [], dataType: FLOAT, floatData: [v] });
const ints = (name: string, v: number[]) =>
  onnx.TensorProto.create({ name, dims: [v.length], dataType: INT64, int64Data: v });
const intScalar = (name: string, v: number) =>
  onnx.TensorProto.create({ name, dims: [], dataType: INT64, int64Data: [v] });
const node = (opType: string, input: string[], output: string[], attribute: object[] = []) =>
  onnx.NodeProto.create({ opType, input, output, name: output[0], attribute });

export function fakeSamDecoder(): Uint8Array {
  const graph = onnx.GraphProto.create({
    name: 'fake_sam_decoder',
    input: [
      info('image_embeddings', [1, 256, 64, 64]),
      info('point_coords', [1, 'n', 2]),
      info('point_labels', [1, 'n']),
      info('mask_input', [1, 1, 256, 256]),
      info('has_mask_input', [1]),
      info('orig_im_size', [2]),
    ],
    output: [info('masks', [1, 1, 'h', 'w']), info('iou_predictions', [1, 1])],
    initializer: [
      scalar('zero', 0),
      scalar('one', 1),
      scalar('half', 0.5),
      scalar('two', 2),
      scalar('size', 1024),
      intScalar('i0', 0),
      intScalar('i1', 1),
      intScalar('i2', 2),
      intScalar('i3', 3),
      ints('flat', [-1]),
      ints('axes01', [0, 1]),
      ints('axis1', [1]),
      onnx.TensorProto.create({ name: 'iou', dims: [1, 1], dataType: FLOAT, floatData: [0.5] }),
    ],
    node: [
      node('Gather', ['orig_im_size', 'i0'], ['h']),
      node('Gather', ['orig_im_size', 'i1'], ['w']),
      node('Max', ['h', 'w'], ['longest']),
      node('Div', ['size', 'longest'], ['scale']),
      node('Range', ['zero', 'w', 'one'], ['xs0']),
      node('Add', ['xs0', 'half'], ['xs1']),
      node('Mul', ['xs1', 'scale'], ['xs']),
      node('Range', ['zero', 'h', 'one'], ['ys0']),
      node('Add', ['ys0', 'half'], ['ys1']),
      node('Mul', ['ys1', 'scale'], ['ys2']),
      node('Unsqueeze', ['ys2', 'axis1'], ['ys']),
      node('Reshape', ['point_coords', 'flat'], ['c']),
      node('Gather', ['c', 'i0'], ['x1']),
      node('Gather', ['c', 'i1'], ['y1']),
      node('Gather', ['c', 'i2'], ['x2']),
      node('Gather', ['c', 'i3'], ['y2']),
      node('GreaterOrEqual', ['xs', 'x1'], ['gx']),
      node('Less', ['xs', 'x2'], ['lx']),
      node('And', ['gx', 'lx'], ['inx']),
      node('GreaterOrEqual', ['ys', 'y1'], ['gy']),
      node('Less', ['ys', 'y2'], ['ly']),
      node('And', ['gy', 'ly'], ['iny']),
      node('And', ['iny', 'inx'], ['inside']),
      node(
        'Cast',
        ['inside'],
        ['insidef'],
        [onnx.AttributeProto.create({ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: FLOAT })],
      ),
      node('Mul', ['insidef', 'two'], ['twice']),
      node('Sub', ['twice', 'one'], ['logits']),
      node('Unsqueeze', ['logits', 'axes01'], ['masks']),
      node('Identity', ['iou'], ['iou_predictions']),
    ],
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'loupe-tests',
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 13 })],
    graph,
  });
  const err = onnx.ModelProto.verify(model);
  if (err) throw new Error(err);
  return onnx.ModelProto.encode(model).finish();
}
