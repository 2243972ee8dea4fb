/**
 * `loupe info` picks the format whose `detect` is most confident. Every sample of the formats in
 * MORE_CODECS must be recognised as its own format, ahead of every other registered format.
 */
import { describe, expect, it } from 'vitest';
import { detectFormat, FORMATS } from '../../../src/lib/formats/registry';
import { MORE_CODECS } from '../../../src/lib/formats/more';
import { assetSource } from './moreFixtures';

const SAMPLES: [string, string][] = [
  ['yolo_1.1/datumaro-tests_cvat-ai/yolo', 'yolo'],
  ['yolo_1.1/datumaro-tests_openvino/strict', 'yolo'],
  ['yolo_1.1/datumaro-tests_openvino/annotations_layout', 'yolo'],
  ['yolo_1.1/datumaro-tests_openvino/labels_layout', 'yolo'],
  ['ultralytics_yolo/datumaro-tests/yolov8_detection', 'ultralytics-detection'],
  ['ultralytics_yolo/datumaro-tests/yolov8_detection_with_list_of_imgs', 'ultralytics-detection'],
  ['ultralytics_yolo/datumaro-tests/yolov8_detection_with_list_of_names', 'ultralytics-detection'],
  ['ultralytics_yolo/datumaro-tests/yolov8_detection_with_subset_txt', 'ultralytics-detection'],
  ['ultralytics_yolo/datumaro-tests_openvino/roboflow_yolo', 'ultralytics-detection'],
  ['ultralytics_yolo/datumaro-tests/yolov8_segmentation', 'ultralytics-segmentation'],
  ['ultralytics_yolo/x-anylabeling_real-images/segmentation', 'ultralytics-segmentation'],
  ['ultralytics_yolo/datumaro-tests/yolov8_oriented_boxes', 'ultralytics-obb'],
  ['ultralytics_yolo/datumaro-tests/yolov8_pose', 'ultralytics-pose'],
  ['ultralytics_yolo/datumaro-tests/yolov8_pose_two_values_per_point', 'ultralytics-pose'],
  ['ultralytics_yolo/x-anylabeling_real-images/pose', 'ultralytics-pose'],
  ['ultralytics_yolo/datumaro-tests/yolov8_classification', 'ultralytics-classification'],
  ['pascal_voc_1.1/datumaro-tests/voc_dataset1', 'voc'],
  ['pascal_voc_1.1/datumaro-tests/voc_dataset2_labelmap_detection-trap', 'voc'],
  ['pascal_voc_1.1/datumaro-tests/voc_dataset3_minimal', 'voc'],
  ['pascal_voc_1.1/labelme-labelme2voc_real-VOC2011-images', 'voc'],
  ['segmentation_mask_1.1/labelme-labelme2voc_real-VOC2011-images', 'segmentation-mask'],
  ['segmentation_mask_1.1/datumaro-tests_voc_dataset1_seg-subset', 'segmentation-mask'],
  ['segmentation_mask_1.1/datumaro-tests_common_semantic_segmentation/dataset', 'segmentation-mask'],
  ['labelme_3.0/datumaro-tests_cvat-ai/labelme_dataset_flat', 'labelme'],
  ['labelme_3.0/datumaro-tests_openvino/labelme_dataset', 'labelme'],
  ['mot_1.1/datumaro-tests/mot_seq', 'mot'],
  ['mot_1.1/datumaro-tests/mot_seq_with_seqinfo', 'mot'],
  ['mot_1.1/x-anylabeling_real-sequence_frame0-based', 'mot'],
  ['mots_png/datumaro-tests', 'mots'],
  ['imagenet/datumaro-tests_cvat-ai/imagenet_dataset', 'imagenet'],
  ['imagenet/datumaro-tests_openvino/imagenet_dataset', 'imagenet'],
  ['imagenet/datumaro-tests_openvino/imagenet_subsets_dataset', 'imagenet'],
  ['imagenet/datumaro-tests_cvat-ai/imagenet_txt_dataset/basic', 'imagenet'],
  ['camvid/datumaro-tests', 'camvid'],
  ['cityscapes/datumaro-tests_cvat-ai/dataset', 'cityscapes'],
  ['cityscapes/datumaro-tests_cvat-ai/train_dataset', 'cityscapes'],
  ['kitti/datumaro-tests/kitti_detection', 'kitti'],
  ['kitti/datumaro-tests/kitti_segmentation', 'kitti'],
  ['market1501/datumaro-tests', 'market-1501'],
  ['icdar/datumaro-tests/word_recognition', 'icdar-recognition'],
  ['icdar/datumaro-tests/text_localization', 'icdar-localization'],
  ['icdar/datumaro-tests/text_segmentation', 'icdar-segmentation'],
  ['open_images_v6/datumaro-tests/v6', 'open-images'],
  ['open_images_v6/datumaro-tests/v5', 'open-images'],
  ['wider_face/datumaro-tests', 'widerface'],
  ['vggface2/datumaro-tests', 'vggface2'],
  ['lfw/datumaro-tests', 'lfw'],
  ['kitti_raw_1.0/datumaro-tests/kitti_raw', 'kitti-raw'],
  ['sly_pointcloud/datumaro-tests', 'sly-pointcloud'],
];

describe('format detection of the samples', () => {
  it.each(SAMPLES)('%s is %s', async (folder, id) => {
    const detected = await detectFormat(assetSource(folder));
    expect(detected[0]?.codec.id, detected.map((d) => `${d.codec.id} ${d.confidence}`).join(', ')).toBe(id);
    expect(detected[1]?.confidence ?? 0).toBeLessThan(detected[0]!.confidence);
  });

  it('every codec in MORE_CODECS is registered once, with import and export', () => {
    for (const codec of MORE_CODECS) {
      expect(FORMATS.filter((f) => f.id === codec.id)).toHaveLength(1);
      expect(codec.import && codec.export && codec.detect).toBeTruthy();
    }
    expect(MORE_CODECS.map((c) => `${c.name} ${c.version}`)).toContain(
      'Ultralytics YOLO Detection Track 1.0',
    );
    expect(MORE_CODECS).toHaveLength(26);
  });

  it('does not take wkentaro labelme JSON for any of these formats', async () => {
    for (const folder of ['primitives_all_shape_types', 'instance_segmentation_data_annotated']) {
      const detected = await detectFormat(assetSource(`labelme_json_wkentaro_NOT_cvat_format/${folder}`));
      expect(detected.filter((d) => MORE_CODECS.includes(d.codec) && d.confidence >= 0.5)).toEqual([]);
    }
  });
});

describe('the other formats are not claimed by these codecs', () => {
  it.each([
    'cvat_images_1.1/cvat-server-exports/job17_boxes/extracted',
    'cvat_images_1.1/datumaro-tests_cvat-ai/for_images',
    'cvat_video_1.1/datumaro-tests_cvat-ai/for_video',
    'coco_1.0/cvat-server-exports/job14/extracted',
    'coco_1.0/datumaro-tests/coco_instances',
    'coco_1.0/datumaro-tests/coco_panoptic',
    'coco_keypoints_1.0/datumaro-tests_cvat-ai/coco_person_keypoints',
    'datumaro_1.0/datumaro-tests/diverse',
    'datumaro_1.0/datumaro-tests/with_pcd',
  ])('%s', async (folder) => {
    const detected = await detectFormat(assetSource(folder));
    expect(
      detected[0] && MORE_CODECS.includes(detected[0].codec),
      detected.map((d) => `${d.codec.id} ${d.confidence}`).join(', '),
    ).toBe(false);
  });
});
