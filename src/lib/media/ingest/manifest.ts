/**
 * CVAT dataset manifest (`manifest.jsonl`), both kinds: images (names, sizes and order of the
 * files, plus related images in `meta`) and video (properties and keyframe table).
 */
import * as v from 'valibot';

const Version = v.object({ version: v.string() });
const Kind = v.object({ type: v.picklist(['images', 'video']) });
const ImageItem = v.object({
  name: v.string(),
  extension: v.string(),
  width: v.pipe(v.number(), v.integer(), v.minValue(0)),
  height: v.pipe(v.number(), v.integer(), v.minValue(0)),
  meta: v.optional(v.object({ related_images: v.optional(v.array(v.string())) })),
  checksum: v.optional(v.string()),
});
const VideoProperties = v.object({
  properties: v.object({
    name: v.string(),
    resolution: v.tuple([v.pipe(v.number(), v.integer()), v.pipe(v.number(), v.integer())]),
    length: v.pipe(v.number(), v.integer(), v.minValue(0)),
  }),
});
const VideoFrame = v.object({
  number: v.pipe(v.number(), v.integer(), v.minValue(0)),
  pts: v.number(),
  checksum: v.optional(v.string()),
});

export type ManifestImage = v.InferOutput<typeof ImageItem>;
export type ManifestVideoFrame = v.InferOutput<typeof VideoFrame>;

export type Manifest =
  | { kind: 'images'; version: string; images: ManifestImage[] }
  | {
      kind: 'video';
      version: string;
      video: { name: string; width: number; height: number; length: number };
      keyframes: ManifestVideoFrame[];
    };

export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

/** The file an image entry describes: "name" holds leading folders, "extension" the dot and suffix. */
export function manifestFileName(image: ManifestImage): string {
  return `${image.name}${image.extension}`;
}

export function parseManifest(text: string, fileName = 'manifest.jsonl'): Manifest {
  const lines = text
    .split('\n')
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line !== '');
  const read = <S extends v.GenericSchema>(schema: S, at: number, expected: string): v.InferOutput<S> => {
    const entry = lines[at];
    if (!entry) throw new ManifestError(`${fileName} ends early: expected ${expected} on line ${at + 1}.`);
    let json: unknown;
    try {
      json = JSON.parse(entry.line);
    } catch {
      throw new ManifestError(`${fileName}, line ${entry.number}: not valid JSON.`);
    }
    const result = v.safeParse(schema, json);
    if (!result.success) {
      const issue = result.issues[0];
      const path = issue?.path?.map((p) => String(p.key)).join('.') ?? '';
      throw new ManifestError(
        `${fileName}, line ${entry.number}: expected ${expected}${path ? `; "${path}"` : ''}: ${issue?.message ?? 'invalid'}.`,
      );
    }
    return result.output;
  };
  const { version } = read(Version, 0, '{"version": …}');
  const { type } = read(Kind, 1, '{"type": "images" | "video"}');
  if (type === 'images') {
    const images: ManifestImage[] = [];
    for (let i = 2; i < lines.length; i++)
      images.push(read(ImageItem, i, 'an image entry {name, extension, width, height}'));
    return { kind: 'images', version, images };
  }
  const { properties } = read(VideoProperties, 2, '{"properties": {name, resolution, length}}');
  const keyframes: ManifestVideoFrame[] = [];
  for (let i = 3; i < lines.length; i++)
    keyframes.push(read(VideoFrame, i, 'a keyframe entry {number, pts}'));
  return {
    kind: 'video',
    version,
    video: {
      name: properties.name,
      width: properties.resolution[0],
      height: properties.resolution[1],
      length: properties.length,
    },
    keyframes,
  };
}
