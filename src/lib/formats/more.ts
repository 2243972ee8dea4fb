import { camvidCodec } from './camvid';
import { cityscapesCodec } from './cityscapes';
import { ICDAR_CODECS } from './icdar';
import { imagenetCodec } from './imagenet';
import { kittiCodec } from './kitti';
import { kittiRawCodec } from './kittiraw';
import { labelmeCodec } from './labelme';
import { lfwCodec } from './lfw';
import { market1501Codec } from './market1501';
import { motCodec } from './mot';
import { motsCodec } from './mots';
import { openImagesCodec } from './openimages';
import { segmaskCodec } from './segmask';
import { slyPointCloudCodec } from './slypcd';
import type { FormatCodec } from './types';
import { ULTRALYTICS_CODECS } from './ultralytics';
import { vggface2Codec } from './vggface2';
import { vocCodec } from './voc';
import { widerfaceCodec } from './widerface';
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
  market1501Codec,
  widerfaceCodec,
  vggface2Codec,
  lfwCodec,
  ...ICDAR_CODECS,
  camvidCodec,
  cityscapesCodec,
  kittiCodec,
  openImagesCodec,
  kittiRawCodec,
  slyPointCloudCodec,
];
