import type { FormatCodec } from '../types';

export const DATUMARO_CODEC: FormatCodec = {
  name: 'Datumaro',
  version: '1.0',
  id: 'datumaro',
  dimension: '2d',
  kinds: [
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
  ],
  importExtensions: ['zip', 'json'],
};
