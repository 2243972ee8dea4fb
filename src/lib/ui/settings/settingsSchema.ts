/**
 * User settings of the annotation view, with CVAT's defaults and ranges (cvat-ui's settings
 * reducer and settings panels). Stored JSON is validated field by field: a bad or missing field
 * falls back to its default instead of discarding everything else.
 */
import * as v from 'valibot';
import { HEX_COLOR } from '../../core/colors';

export const SETTINGS_VERSION = 1;
export const SETTINGS_STORAGE_KEY = 'loupe.settings';

/** Playback speeds as CVAT names them, with their frames per second. */
export const FRAME_SPEEDS = {
  fastest: 100,
  fast: 50,
  usual: 25,
  slow: 15,
  slower: 12,
  slowest: 1,
} as const;
export type FrameSpeed = keyof typeof FRAME_SPEEDS;

export const GRID_COLORS = ['white', 'black', 'red', 'green', 'blue'] as const;
export type GridColor = (typeof GRID_COLORS)[number];

export const COLOR_BY = ['label', 'instance', 'group'] as const;
export type ColorBy = (typeof COLOR_BY)[number];

export const TEXT_POSITIONS = ['auto', 'center'] as const;
export type TextPosition = (typeof TEXT_POSITIONS)[number];

/** What the text next to an object on the canvas shows. */
export const TEXT_CONTENT = ['id', 'source', 'label', 'attributes', 'descriptions', 'dimensions'] as const;
export type TextContent = (typeof TEXT_CONTENT)[number];

export interface PlayerSettings {
  /** Frames jumped by C / V. */
  frameStep: number;
  frameSpeed: FrameSpeed;
  canvasBackgroundColor: string;
  /** Fit every new frame instead of keeping the zoom of the previous one. */
  resetZoom: boolean;
  rotateAll: boolean;
  smoothImage: boolean;
  showDeletedFrames: boolean;
  grid: boolean;
  gridSize: number;
  gridColor: GridColor;
  gridOpacity: number;
  /** Percent; 100 leaves the image as it is. */
  brightness: number;
  contrast: number;
  saturation: number;
}

export interface WorkspaceSettings {
  autoSave: boolean;
  /** Minutes. */
  autoSaveInterval: number;
  /** Pixels around the object that attribute annotation mode zooms to. */
  focusedObjectPadding: number;
  automaticBordering: boolean;
  adaptiveZoom: boolean;
  showObjectsTextAlways: boolean;
  showAllInterpolationTracks: boolean;
  intelligentPolygonCrop: boolean;
  /** Number of points of polygon approximation, 0 (fewest) to 13 (most). */
  defaultApproxPolyAccuracy: number;
  textFontSize: number;
  controlPointsSize: number;
  textPosition: TextPosition;
  textContent: TextContent[];
  showTagsOnFrame: boolean;
}

export interface ShapeSettings {
  colorBy: ColorBy;
  /** Fill opacity of shapes, percent. */
  opacity: number;
  selectedOpacity: number;
  outlined: boolean;
  outlineColor: string;
  showBitmap: boolean;
  showProjections: boolean;
}

export interface Settings {
  player: PlayerSettings;
  workspace: WorkspaceSettings;
  shapes: ShapeSettings;
  /** Keys per shortcut action, only for actions the user changed. */
  shortcuts: Record<string, string[]>;
}

export type SettingsSection = 'player' | 'workspace' | 'shapes';

export const DEFAULT_SETTINGS: Settings = {
  player: {
    frameStep: 10,
    frameSpeed: 'usual',
    canvasBackgroundColor: '#ffffff',
    resetZoom: false,
    rotateAll: false,
    smoothImage: true,
    showDeletedFrames: false,
    grid: false,
    gridSize: 100,
    gridColor: 'white',
    gridOpacity: 100,
    brightness: 100,
    contrast: 100,
    saturation: 100,
  },
  workspace: {
    autoSave: false,
    autoSaveInterval: 15,
    focusedObjectPadding: 50,
    automaticBordering: false,
    adaptiveZoom: true,
    showObjectsTextAlways: false,
    showAllInterpolationTracks: false,
    intelligentPolygonCrop: true,
    defaultApproxPolyAccuracy: 9,
    textFontSize: 14,
    controlPointsSize: 5,
    textPosition: 'auto',
    textContent: [...TEXT_CONTENT],
    showTagsOnFrame: true,
  },
  shapes: {
    colorBy: 'label',
    opacity: 20,
    selectedOpacity: 30,
    outlined: false,
    outlineColor: '#000000',
    showBitmap: false,
    showProjections: false,
  },
  shortcuts: {},
};

/** Inclusive limits of the numeric settings, as CVAT's inputs and sliders allow. */
export const LIMITS = {
  frameStep: [2, 1000],
  gridSize: [5, 1000],
  gridOpacity: [0, 100],
  brightness: [50, 200],
  contrast: [50, 200],
  saturation: [0, 300],
  autoSaveInterval: [1, 60],
  focusedObjectPadding: [0, 1000],
  defaultApproxPolyAccuracy: [0, 13],
  textFontSize: [8, 20],
  controlPointsSize: [4, 8],
  opacity: [0, 100],
  selectedOpacity: [0, 100],
} as const satisfies Record<string, readonly [number, number]>;

function int(name: keyof typeof LIMITS, fallback: number) {
  const [min, max] = LIMITS[name];
  return v.fallback(v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max)), fallback);
}
const flag = (fallback: boolean) => v.fallback(v.boolean(), fallback);
const color = (fallback: string) => v.fallback(v.pipe(v.string(), v.regex(HEX_COLOR)), fallback);
function oneOf<const T extends readonly string[]>(options: T, fallback: T[number]) {
  return v.fallback(v.picklist(options), fallback);
}

const P = DEFAULT_SETTINGS.player;
const W = DEFAULT_SETTINGS.workspace;
const S = DEFAULT_SETTINGS.shapes;

const PlayerSchema = v.object({
  frameStep: int('frameStep', P.frameStep),
  frameSpeed: oneOf(Object.keys(FRAME_SPEEDS) as FrameSpeed[], P.frameSpeed),
  canvasBackgroundColor: color(P.canvasBackgroundColor),
  resetZoom: flag(P.resetZoom),
  rotateAll: flag(P.rotateAll),
  smoothImage: flag(P.smoothImage),
  showDeletedFrames: flag(P.showDeletedFrames),
  grid: flag(P.grid),
  gridSize: int('gridSize', P.gridSize),
  gridColor: oneOf(GRID_COLORS, P.gridColor),
  gridOpacity: int('gridOpacity', P.gridOpacity),
  brightness: int('brightness', P.brightness),
  contrast: int('contrast', P.contrast),
  saturation: int('saturation', P.saturation),
});

const WorkspaceSchema = v.object({
  autoSave: flag(W.autoSave),
  autoSaveInterval: int('autoSaveInterval', W.autoSaveInterval),
  focusedObjectPadding: int('focusedObjectPadding', W.focusedObjectPadding),
  automaticBordering: flag(W.automaticBordering),
  adaptiveZoom: flag(W.adaptiveZoom),
  showObjectsTextAlways: flag(W.showObjectsTextAlways),
  showAllInterpolationTracks: flag(W.showAllInterpolationTracks),
  intelligentPolygonCrop: flag(W.intelligentPolygonCrop),
  defaultApproxPolyAccuracy: int('defaultApproxPolyAccuracy', W.defaultApproxPolyAccuracy),
  textFontSize: int('textFontSize', W.textFontSize),
  controlPointsSize: int('controlPointsSize', W.controlPointsSize),
  textPosition: oneOf(TEXT_POSITIONS, W.textPosition),
  // Unknown entries are dropped rather than failing the whole list.
  textContent: v.fallback(
    v.pipe(
      v.array(v.string()),
      v.transform((items) => TEXT_CONTENT.filter((c) => items.includes(c))),
    ),
    () => [...W.textContent],
  ),
  showTagsOnFrame: flag(W.showTagsOnFrame),
});

const ShapesSchema = v.object({
  colorBy: oneOf(COLOR_BY, S.colorBy),
  opacity: int('opacity', S.opacity),
  selectedOpacity: int('selectedOpacity', S.selectedOpacity),
  outlined: flag(S.outlined),
  outlineColor: color(S.outlineColor),
  showBitmap: flag(S.showBitmap),
  showProjections: flag(S.showProjections),
});

const KEY_MAX = 40;
const ShortcutsSchema = v.pipe(
  v.record(v.string(), v.unknown()),
  v.transform((record) => {
    const out: Record<string, string[]> = {};
    for (const [action, keys] of Object.entries(record)) {
      if (Array.isArray(keys) && keys.every((k) => typeof k === 'string' && k.length <= KEY_MAX)) {
        out[action] = keys as string[];
      }
    }
    return out;
  }),
);

// Fields fall back one by one, so a section only falls back as a whole when it is not an object.
const SettingsSchema = v.object({
  player: v.fallback(PlayerSchema, () => ({ ...P })),
  workspace: v.fallback(WorkspaceSchema, () => ({ ...W, textContent: [...W.textContent] })),
  shapes: v.fallback(ShapesSchema, () => ({ ...S })),
  shortcuts: v.fallback(ShortcutsSchema, () => ({})),
});

const StoredSchema = v.object({ version: v.number(), settings: v.unknown() });

export function defaultSettings(): Settings {
  return structuredClone(DEFAULT_SETTINGS);
}

/**
 * Settings from what `serializeSettings` stored (or anything else found under the key).
 * Unreadable input, or input from a newer version of the app, gives the defaults.
 */
export function parseStoredSettings(text: string | null): Settings {
  if (text === null) return defaultSettings();
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return defaultSettings();
  }
  const stored = v.safeParse(StoredSchema, raw);
  if (!stored.success || stored.output.version > SETTINGS_VERSION) return defaultSettings();
  const parsed = v.safeParse(SettingsSchema, stored.output.settings ?? {});
  return parsed.success ? (parsed.output as Settings) : defaultSettings();
}

export function serializeSettings(settings: Settings): string {
  return JSON.stringify({ version: SETTINGS_VERSION, settings });
}
