/**
 * Every codec of MORE_CODECS through real zip archives (the common ZipSink and ZipSource):
 * sample → export (with the original images) → zip bytes → import gives the same counts, and
 * the exported archive is detected as the same format.
 */
import { describe, expect, it } from 'vitest';
import { ZipSink, ZipSource } from '../../../src/lib/formats/common/zip';
import { detectFormat, getFormat } from '../../../src/lib/formats/registry';
import type { DatasetItem } from '../../../src/lib/formats/types';
import { assetSource, counts } from './moreFixtures';

const CASES: [string, string][] = [
  ['yolo', 'yolo_1.1/datumaro-tests_cvat-ai/yolo'],
  ['ultralytics-detection', 'ultralytics_yolo/datumaro-tests_openvino/roboflow_yolo'],
  ['ultralytics-segmentation', 'ultralytics_yolo/x-anylabeling_real-images/segmentation'],
  ['ultralytics-obb', 'ultralytics_yolo/datumaro-tests/yolov8_oriented_boxes'],
  ['ultralytics-pose', 'ultralytics_yolo/x-anylabeling_real-images/pose'],
  ['ultralytics-classification', 'ultralytics_yolo/datumaro-tests/yolov8_classification'],
  ['voc', 'pascal_voc_1.1/datumaro-tests/voc_dataset1'],
  ['segmentation-mask', 'segmentation_mask_1.1/labelme-labelme2voc_real-VOC2011-images'],
  ['labelme', 'labelme_3.0/datumaro-tests_openvino/labelme_dataset'],
  ['mot', 'mot_1.1/datumaro-tests/mot_seq_with_seqinfo'],
  ['mots', 'mots_png/datumaro-tests'],
  ['imagenet', 'imagenet/datumaro-tests_openvino/imagenet_subsets_dataset'],
  ['camvid', 'camvid/datumaro-tests'],
  ['cityscapes', 'cityscapes/datumaro-tests_cvat-ai/dataset'],
  ['kitti', 'kitti/datumaro-tests/kitti_segmentation'],
  ['market-1501', 'market1501/datumaro-tests'],
  ['icdar-recognition', 'icdar/datumaro-tests/word_recognition'],
  ['icdar-localization', 'icdar/datumaro-tests/text_localization'],
  ['icdar-segmentation', 'icdar/datumaro-tests/text_segmentation'],
  ['open-images', 'open_images_v6/datumaro-tests/v6'],
  ['widerface', 'wider_face/datumaro-tests'],
  ['vggface2', 'vggface2/datumaro-tests'],
  ['lfw', 'lfw/datumaro-tests'],
  ['kitti-raw', 'kitti_raw_1.0/datumaro-tests/kitti_raw'],
  ['sly-pointcloud', 'sly_pointcloud/datumaro-tests'],
];

describe('zip round trips of every format', () => {
  it.each(CASES)('%s (%s)', async (id, folder) => {
    const codec = getFormat(id);
    const source = assetSource(folder);
    const first = await codec.import!(source, {});
    // The original image of an item, found by file name anywhere in the sample.
    const mediaOf = async (item: DatasetItem) => {
      const base = item.name.split('/').pop()!;
      const path =
        source.paths().find((p) => p.endsWith(`/${item.name}`) || p === item.name) ??
        source.paths().find((p) => p.split('/').pop() === base);
      return path ? source.read(path) : undefined;
    };
    const sink = new ZipSink();
    await codec.export!(first, sink, { saveImages: true, media: mediaOf });
    const zip = new ZipSource(await sink.finish(), { name: `${id}.zip` });
    // "Save images" puts the original files in the archive (this MOT sample has none).
    const media = zip.paths().filter((p) => /\.(jpe?g|png|webp|pcd)$/i.test(p));
    if (id !== 'mot') {
      expect(media.length).toBeGreaterThan(0);
      const sample = source.paths().find((p) => p.split('/').pop() === media[0]!.split('/').pop());
      if (sample) expect(await zip.read(media[0]!)).toEqual(await source.read(sample));
    }
    const detected = await detectFormat(zip);
    expect(detected[0]?.codec.id, detected.map((d) => `${d.codec.id} ${d.confidence}`).join(', ')).toBe(id);
    const frames = first.items.map((i) => ({ name: i.name, width: i.width, height: i.height }));
    const second = await codec.import!(zip, { frames });
    expect(counts(second)).toEqual(counts(first));
  });
});
