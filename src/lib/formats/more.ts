import { imagenetCodec } from './imagenet';
import { labelmeCodec } from './labelme';
import { motCodec } from './mot';
import { motsCodec } from './mots';
import { segmaskCodec } from './segmask';
import type { FormatCodec } from './types';
import { ULTRALYTICS_CODECS } from './ultralytics';
import { vocCodec } from './voc';
import { yoloCodec } from './yolo';

/** Codecs of the other dataset formats (YOLO, VOC, …), appended to the registry. */
export const MORE_CODECS: FormatCodec[] = [
  vocCodec,
  segmaskCodec,
  yoloCodec,
  ...ULTRALYTICS_CODECS,
  labelmeCodec,
  motCodec,
  motsCodec,
  imagenetCodec,
];
