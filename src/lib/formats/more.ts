import type { FormatCodec } from './types';

/** Codecs of the other dataset formats (YOLO, VOC, …), appended to the registry. */
export const MORE_CODECS: FormatCodec[] = [];
