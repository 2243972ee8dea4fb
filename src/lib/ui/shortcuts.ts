/**
 * Keyboard shortcuts of the annotation view, in one place. Defaults follow CVAT's key map; the
 * user's changes live in the settings and replace an action's keys as a whole.
 *
 * Keys are written as KeyboardEvent.key with modifiers first, joined by "+": `Ctrl+Shift+z`,
 * `Alt+Delete`, `Space`, `F1`. Letters are lower case. A two-key sequence is written with a
 * space between the presses: `t l` means "press T, then L".
 */
import { settings } from './settings/settings.svelte';

/**
 * Where an action applies. Keys may repeat across scopes that are never active together
 * (N draws in the standard workspace and opens an issue in review), but `general` is always on.
 */
export const SHORTCUT_SCOPES = ['general', 'annotation', 'review', 'attribute', '3d'] as const;
export type ShortcutScope = (typeof SHORTCUT_SCOPES)[number];

export const SCOPE_NAMES: Record<ShortcutScope, string> = {
  general: 'General',
  annotation: 'Standard workspace',
  review: 'Review workspace',
  attribute: 'Attribute annotation mode',
  '3d': '3D workspace',
};

interface ShortcutDefinition {
  keys: readonly string[];
  scope: ShortcutScope;
  description: string;
}

const DEFINITIONS = {
  'show-shortcuts': { keys: ['F1', '?'], scope: 'general', description: 'Show the shortcuts' },
  'show-settings': { keys: ['F2'], scope: 'general', description: 'Open the settings' },
  cancel: { keys: ['Escape'], scope: 'general', description: 'Cancel drawing, deselect' },

  'next-frame': { keys: ['f'], scope: 'annotation', description: 'Next frame' },
  'previous-frame': { keys: ['d'], scope: 'annotation', description: 'Previous frame' },
  'forward-step': { keys: ['v'], scope: 'annotation', description: 'Jump forward by the player step' },
  'backward-step': { keys: ['c'], scope: 'annotation', description: 'Jump back by the player step' },
  'search-forward': {
    keys: ['ArrowRight'],
    scope: 'annotation',
    description: 'Next frame that matches the filters',
  },
  'search-backward': {
    keys: ['ArrowLeft'],
    scope: 'annotation',
    description: 'Previous frame that matches the filters',
  },
  'play-pause': { keys: ['Space'], scope: 'annotation', description: 'Play or pause' },
  'focus-frame-input': { keys: ['`'], scope: 'annotation', description: 'Focus the frame number' },
  'delete-frame': {
    keys: ['Alt+Delete'],
    scope: 'annotation',
    description: 'Delete or restore the current frame',
  },
  'rotate-clockwise': { keys: ['Ctrl+r'], scope: 'annotation', description: 'Rotate the image clockwise' },
  'rotate-anticlockwise': {
    keys: ['Ctrl+Shift+r'],
    scope: 'annotation',
    description: 'Rotate the image anticlockwise',
  },
  fit: { keys: ['0'], scope: 'annotation', description: 'Fit the image to the screen' },
  'save-job': { keys: ['Ctrl+s'], scope: 'annotation', description: 'Save the job' },
  undo: { keys: ['Ctrl+z'], scope: 'annotation', description: 'Undo' },
  redo: { keys: ['Ctrl+Shift+z', 'Ctrl+y'], scope: 'annotation', description: 'Redo' },

  'draw-rectangle': {
    keys: ['n'],
    scope: 'annotation',
    description: 'Draw again with the last tool and label; finish drawing',
  },
  'redraw-shape': { keys: ['Shift+n'], scope: 'annotation', description: 'Redraw the selected shape' },
  'select-mode': { keys: [], scope: 'annotation', description: 'Select and edit objects' },
  'merge-mode': { keys: ['m'], scope: 'annotation', description: 'Start or finish merging shapes' },
  'split-mode': { keys: ['Alt+m'], scope: 'annotation', description: 'Start or finish splitting a track' },
  'group-mode': { keys: ['g'], scope: 'annotation', description: 'Start or finish grouping shapes' },
  'reset-group': {
    keys: ['Shift+g'],
    scope: 'annotation',
    description: 'Remove the selected shapes from groups',
  },
  'join-mode': { keys: ['j'], scope: 'annotation', description: 'Start or finish joining masks' },
  'slice-mode': {
    keys: ['Alt+j'],
    scope: 'annotation',
    description: 'Start or finish slicing a polygon or mask',
  },

  'delete-object': {
    keys: ['Delete', 'Shift+Delete', 'Backspace'],
    scope: 'annotation',
    description: 'Delete the selected object (Shift: even when locked)',
  },
  'copy-object': { keys: ['Ctrl+c'], scope: 'annotation', description: 'Copy the selected object' },
  'paste-object': { keys: ['Ctrl+v'], scope: 'annotation', description: 'Paste the copied object' },
  'propagate-object': {
    keys: ['Ctrl+b'],
    scope: 'annotation',
    description: 'Copy the selected object to the next frames',
  },
  'to-background': { keys: ['-', '_'], scope: 'annotation', description: 'Move the object back (z-order)' },
  'to-foreground': {
    keys: ['+', '='],
    scope: 'annotation',
    description: 'Bring the object forward (z-order)',
  },
  'switch-lock': { keys: ['l'], scope: 'annotation', description: 'Lock or unlock the selected object' },
  'switch-all-lock': { keys: ['t l'], scope: 'annotation', description: 'Lock or unlock all objects' },
  'switch-hidden': { keys: ['h'], scope: 'annotation', description: 'Hide or show the selected object' },
  'switch-all-hidden': { keys: ['t h'], scope: 'annotation', description: 'Hide or show all objects' },
  'switch-occluded': {
    keys: ['q', '/'],
    scope: 'annotation',
    description: 'Mark the object occluded or not',
  },
  'switch-pinned': { keys: ['p'], scope: 'annotation', description: 'Pin or unpin the selected object' },
  'switch-keyframe': {
    keys: ['k'],
    scope: 'annotation',
    description: 'Make or unmake a keyframe of the track',
  },
  'switch-outside': { keys: ['o'], scope: 'annotation', description: 'Mark the track outside or not' },
  'next-keyframe': { keys: ['r'], scope: 'annotation', description: 'Next keyframe of the track' },
  'previous-keyframe': { keys: ['e'], scope: 'annotation', description: 'Previous keyframe of the track' },
  'change-object-color': { keys: ['Enter'], scope: 'annotation', description: 'Next colour for the object' },
  'switch-label': {
    keys: [
      'Ctrl+1',
      'Ctrl+2',
      'Ctrl+3',
      'Ctrl+4',
      'Ctrl+5',
      'Ctrl+6',
      'Ctrl+7',
      'Ctrl+8',
      'Ctrl+9',
      'Ctrl+0',
    ],
    scope: 'annotation',
    description: 'Label N for the selected object, or for the next one drawn',
  },
  'run-annotation-action': { keys: ['Ctrl+e'], scope: 'annotation', description: 'Run an annotation action' },

  'open-issue': { keys: ['n'], scope: 'review', description: 'Open an issue' },

  'next-object': { keys: ['Tab'], scope: 'attribute', description: 'Next object' },
  'previous-object': { keys: ['Shift+Tab'], scope: 'attribute', description: 'Previous object' },
  'next-attribute': { keys: ['ArrowDown'], scope: 'attribute', description: 'Next attribute' },
  'previous-attribute': { keys: ['ArrowUp'], scope: 'attribute', description: 'Previous attribute' },
  'set-attribute-value': {
    keys: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'],
    scope: 'attribute',
    description: 'Give the active attribute the value with this number',
  },
  'next-annotated-frame': {
    keys: ['ArrowRight'],
    scope: 'attribute',
    description: 'Next frame with objects',
  },
  'previous-annotated-frame': {
    keys: ['ArrowLeft'],
    scope: 'attribute',
    description: 'Previous frame with objects',
  },

  'camera-tilt-up': { keys: ['Shift+ArrowUp'], scope: '3d', description: 'Camera roll up' },
  'camera-tilt-down': { keys: ['Shift+ArrowDown'], scope: '3d', description: 'Camera roll down' },
  'camera-rotate-left': { keys: ['Shift+ArrowLeft'], scope: '3d', description: 'Camera pitch left' },
  'camera-rotate-right': { keys: ['Shift+ArrowRight'], scope: '3d', description: 'Camera pitch right' },
  'camera-up': { keys: ['Alt+u'], scope: '3d', description: 'Move the camera up' },
  'camera-down': { keys: ['Alt+o'], scope: '3d', description: 'Move the camera down' },
  'camera-left': { keys: ['Alt+j'], scope: '3d', description: 'Move the camera left' },
  'camera-right': { keys: ['Alt+l'], scope: '3d', description: 'Move the camera right' },
  'camera-zoom-in': { keys: ['Alt+i'], scope: '3d', description: 'Zoom in' },
  'camera-zoom-out': { keys: ['Alt+k'], scope: '3d', description: 'Zoom out' },
} as const satisfies Record<string, ShortcutDefinition>;

export type ShortcutAction = keyof typeof DEFINITIONS;

export interface Shortcut {
  action: ShortcutAction;
  keys: readonly string[];
  scope: ShortcutScope;
  description: string;
}

/** The default key map. */
export const SHORTCUTS: readonly Shortcut[] = (
  Object.entries(DEFINITIONS) as [ShortcutAction, ShortcutDefinition][]
).map(([action, d]) => ({ action, keys: d.keys, scope: d.scope, description: d.description }));

export type Keymap = readonly Shortcut[];

export function isShortcutAction(name: string): name is ShortcutAction {
  return Object.hasOwn(DEFINITIONS, name);
}

/** The defaults with the user's overrides applied; overrides of unknown actions are ignored. */
export function effectiveKeymap(overrides: Readonly<Record<string, readonly string[]>>): Keymap {
  return SHORTCUTS.map((s) => {
    const keys = Object.hasOwn(overrides, s.action) ? overrides[s.action] : undefined;
    return keys ? { ...s, keys: keys.map(normalizeKey).filter((k) => k !== '') } : s;
  });
}

const MODIFIERS = ['Ctrl', 'Alt', 'Shift'] as const;
const MODIFIER_KEYS = new Set(['Control', 'Alt', 'Shift', 'Meta', 'AltGraph', 'CapsLock', 'OS']);

function isLetter(key: string): boolean {
  return key.length === 1 && key.toLowerCase() !== key.toUpperCase();
}

/** One press in canonical form: modifiers in a fixed order, letters lower case. */
function normalizePress(press: string): string {
  const parts = press === '+' ? ['+'] : press.split(/\+(?!$)/);
  const key = parts.pop() ?? '';
  const mods = new Set(parts.map((p) => (p.toLowerCase() === 'meta' ? 'Ctrl' : capitalize(p))));
  const name =
    key === ' ' || key.toLowerCase() === 'space' ? 'Space' : key.length === 1 ? key.toLowerCase() : key;
  return [...MODIFIERS.filter((m) => mods.has(m)), name].join('+');
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}

/** A key or sequence in canonical form, e.g. `shift+ctrl+Z` → `Ctrl+Shift+z`. */
export function normalizeKey(key: string): string {
  return key
    .trim()
    .split(/ +/)
    .filter((p) => p !== '')
    .map(normalizePress)
    .join(' ');
}

/**
 * The press an event stands for, or null for a lone modifier. Shift is part of the press for
 * letters and named keys only: for symbols it already shows in the character (`+`, `?`, `_`).
 */
export function keyFromEvent(event: KeyboardEvent): string | null {
  if (MODIFIER_KEYS.has(event.key)) return null;
  let key = event.key;
  // With Alt, some layouts type a different character (⌥M is µ on a Mac); use the key's place.
  if (event.altKey && event.code.startsWith('Key')) key = event.code.slice(3);
  const named = key.length > 1;
  const parts: string[] = [];
  if (event.ctrlKey || event.metaKey) parts.push('Ctrl');
  if (event.altKey) parts.push('Alt');
  if (event.shiftKey && (named || isLetter(key))) parts.push('Shift');
  parts.push(key === ' ' ? 'Space' : named ? key : key.toLowerCase());
  return parts.join('+');
}

const KEY_NAMES: Record<string, string> = {
  ArrowUp: '↑',
  ArrowDown: '↓',
  ArrowLeft: '←',
  ArrowRight: '→',
  Escape: 'Esc',
  Delete: 'Del',
};

/** Human-readable key: `Ctrl+Shift+Z`, `T then L`. */
export function formatKey(key: string): string {
  return key
    .split(' ')
    .map((press) => {
      const parts = press === '+' ? ['+'] : press.split(/\+(?!$)/);
      return parts.map((p) => KEY_NAMES[p] ?? (p.length === 1 ? p.toUpperCase() : p)).join('+');
    })
    .join(' then ');
}

function scopesOverlap(a: ShortcutScope, b: ShortcutScope): boolean {
  return a === b || a === 'general' || b === 'general';
}

export interface ShortcutConflict {
  key: string;
  /** The key of the other action, when it differs (a sequence that starts with `key`). */
  otherKey: string;
  actions: [ShortcutAction, ShortcutAction];
}

/** A single key that starts another action's sequence would fire before the sequence completes. */
function keysClash(a: string, b: string): boolean {
  return a === b || b.startsWith(`${a} `) || a.startsWith(`${b} `);
}

/** Pairs of actions one key would trigger together, in scopes that can be active at once. */
export function findConflicts(keymap: Keymap): ShortcutConflict[] {
  const conflicts: ShortcutConflict[] = [];
  for (const [i, a] of keymap.entries()) {
    for (const b of keymap.slice(i + 1)) {
      if (!scopesOverlap(a.scope, b.scope)) continue;
      for (const ka of a.keys) {
        const kb = b.keys.find((k) => keysClash(ka, k));
        if (kb !== undefined) conflicts.push({ key: ka, otherKey: kb, actions: [a.action, b.action] });
      }
    }
  }
  return conflicts;
}

export type RebindResult =
  { ok: true; overrides: Record<string, string[]> } | { ok: false; conflicts: ShortcutConflict[] };

/**
 * New overrides with `action` bound to `keys`, or the conflicts that binding would create.
 * Binding an action back to its default keys removes its override.
 */
export function rebind(
  overrides: Readonly<Record<string, readonly string[]>>,
  action: ShortcutAction,
  keys: readonly string[],
): RebindResult {
  const normalized = [...new Set(keys.map(normalizeKey).filter((k) => k !== ''))];
  const next: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(overrides)) {
    if (isShortcutAction(name) && name !== action) next[name] = [...value];
  }
  const defaults = DEFINITIONS[action].keys as readonly string[];
  const isDefault = normalized.length === defaults.length && normalized.every((k, i) => k === defaults[i]);
  if (!isDefault) next[action] = normalized;
  const conflicts = findConflicts(effectiveKeymap(next)).filter((c) => c.actions.includes(action));
  return conflicts.length > 0 ? { ok: false, conflicts } : { ok: true, overrides: next };
}

export function descriptionOf(action: ShortcutAction): string {
  return DEFINITIONS[action].description;
}

const NON_TEXT_INPUTS = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file']);

/** Keys typed into a text field, a select or an editable element belong to it, not to shortcuts. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (
    target.isContentEditable ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  ) {
    return true;
  }
  return target instanceof HTMLInputElement && !NON_TEXT_INPUTS.has(target.type);
}

/** Enter on a focused button or link activates it. */
function activatesControl(target: EventTarget | null, key: string): boolean {
  return (
    key === 'Enter' &&
    target instanceof HTMLElement &&
    (target instanceof HTMLButtonElement || target instanceof HTMLAnchorElement || target.role === 'button')
  );
}

const SEQUENCE_MS = 1000;

/**
 * Matches presses against a key map, remembering the previous press so that two-key sequences
 * (`t l`) win over the single key they end with.
 */
export class ShortcutMatcher {
  #previous: { key: string; at: number } | null = null;

  match(keymap: Keymap, key: string, scopes: readonly ShortcutScope[], at: number): ShortcutAction | null {
    const active = keymap.filter((s) => s.scope === 'general' || scopes.includes(s.scope));
    const previous = this.#previous;
    this.#previous = { key, at };
    if (previous && at - previous.at <= SEQUENCE_MS) {
      const sequence = `${previous.key} ${key}`;
      const hit = active.find((s) => s.keys.includes(sequence));
      if (hit) {
        this.#previous = null;
        return hit.action;
      }
    }
    return active.find((s) => s.keys.includes(key))?.action ?? null;
  }
}

const matcher = new ShortcutMatcher();

/**
 * The action a key press triggers under the user's key map, ignoring presses while typing in a
 * field. `scopes` are the workspace's scopes besides `general` (the standard workspace's by default).
 */
export function shortcutFor(
  event: KeyboardEvent,
  scopes: readonly ShortcutScope[] = ['annotation'],
): ShortcutAction | null {
  if (isTyping(event.target)) return null;
  const key = keyFromEvent(event);
  if (key === null || activatesControl(event.target, key)) return null;
  return matcher.match(effectiveKeymap(settings.current.shortcuts), key, scopes, Date.now());
}
