import type { FormatCodec } from '../types';

const KINDS = [
  'rectangle',
  'polygon',
  'polyline',
  'points',
  'ellipse',
  'cuboid',
  'mask',
  'skeleton',
  'tag',
  'track',
] as const;

export const CVAT_IMAGES_CODEC: FormatCodec = {
  name: 'CVAT for images',
  version: '1.1',
  id: 'cvat-images',
  dimension: '2d',
  kinds: KINDS,
  importExtensions: ['zip', 'xml'],
};

export const CVAT_VIDEO_CODEC: FormatCodec = {
  name: 'CVAT for video',
  version: '1.1',
  id: 'cvat-video',
  dimension: '2d',
  kinds: KINDS,
  importExtensions: ['zip', 'xml'],
};
