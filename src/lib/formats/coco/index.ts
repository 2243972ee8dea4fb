/** COCO 1.0 (instances) and COCO Keypoints 1.0. */
import { writeMedia } from '../common/media';
import type { DatasetItem, ExportOptions, FileSink, FileSource, FormatCodec } from '../types';
import { cocoFiles, readCoco, type CocoKind } from './read';
import { writeCoco } from './write';

export {
  cocoFiles,
  readCoco,
  clean,
  exactExtent,
  parseSkeletonSvg,
  skeletonSvg,
  type CocoKind,
  type CocoTask,
} from './read';
export { writeCoco, skeletonEdges } from './write';
export { bitmapToCocoRle, cocoRleToMask, decodeCocoString, encodeCocoString, maskToCocoRle } from './rle';

async function detect(source: FileSource, kind: CocoKind): Promise<number> {
  let files;
  try {
    files = cocoFiles(source, kind);
  } catch {
    return 0;
  }
  const first = files[0];
  if (!first) return 0;
  const head = (await source.text(first.path)).slice(0, 65536);
  const named = /(^|\/)(instances|person_keypoints)_[^/]+\.json$/i.exec(first.path);
  const isKeypoints = /"keypoints"\s*:/.test(head) || /person_keypoints_/i.test(first.path);
  if (/^\s*\[/.test(head)) {
    // A result list: segmentation results are instances, keypoint results are keypoints.
    if (!/"image_id"/.test(head)) return 0;
    return (kind === 'keypoints') === isKeypoints ? 0.6 : 0.2;
  }
  if (!/"images"\s*:/.test(head) && !/"annotations"\s*:/.test(head)) return 0;
  // Datumaro and COCO both have "annotations"; COCO has top-level "images" and "categories".
  if (/"items"\s*:/.test(head) && !/"images"\s*:/.test(head)) return 0;
  if (kind === 'keypoints') return isKeypoints ? (named ? 0.95 : 0.85) : 0.3;
  return isKeypoints ? 0.5 : named ? 0.95 : 0.8;
}

async function exportCoco(
  kind: CocoKind,
  dataset: Parameters<typeof writeCoco>[0],
  sink: FileSink,
  options: ExportOptions,
) {
  options.progress?.(0, 'Writing annotations');
  for (const [path, text] of writeCoco(dataset, kind, { signal: options.signal }))
    await sink.write(path, text);
  options.progress?.(0.5);
  await writeMedia(dataset.items, sink, options, (item: DatasetItem) =>
    item.subset === '' ? `images/${item.name}` : `images/${item.subset}/${item.name}`,
  );
  options.progress?.(1);
}

export const COCO_CODEC: FormatCodec = {
  name: 'COCO',
  version: '1.0',
  id: 'coco',
  dimension: '2d',
  kinds: ['rectangle', 'polygon', 'mask', 'track'],
  importExtensions: ['zip', 'json'],
  detect: (source) => detect(source, 'instances'),
  import: (source, context) => readCoco(source, 'instances', context),
  export: (dataset, sink, options) => exportCoco('instances', dataset, sink, options),
};

export const COCO_KEYPOINTS_CODEC: FormatCodec = {
  name: 'COCO Keypoints',
  version: '1.0',
  id: 'coco-keypoints',
  dimension: '2d',
  kinds: ['skeleton', 'track'],
  importExtensions: ['zip', 'json'],
  detect: (source) => detect(source, 'keypoints'),
  import: (source, context) => readCoco(source, 'keypoints', context),
  export: (dataset, sink, options) => exportCoco('keypoints', dataset, sink, options),
};
