import type { FormatCodec } from '../types';

export const COCO_CODEC: FormatCodec = {
  name: 'COCO',
  version: '1.0',
  id: 'coco',
  dimension: '2d',
  kinds: ['rectangle', 'polygon', 'mask', 'track'],
  importExtensions: ['zip', 'json'],
};

export const COCO_KEYPOINTS_CODEC: FormatCodec = {
  name: 'COCO Keypoints',
  version: '1.0',
  id: 'coco-keypoints',
  dimension: '2d',
  kinds: ['skeleton', 'track'],
  importExtensions: ['zip', 'json'],
};
