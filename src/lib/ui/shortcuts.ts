/** Keyboard shortcuts of the annotation view, in one place. Keys follow CVAT's defaults. */
export type ShortcutAction =
  | 'next-frame'
  | 'previous-frame'
  | 'forward-step'
  | 'backward-step'
  | 'draw-rectangle'
  | 'select-mode'
  | 'undo'
  | 'redo'
  | 'delete-object'
  | 'fit'
  | 'delete-frame'
  | 'play-pause'
  | 'cancel';

export interface Shortcut {
  action: ShortcutAction;
  /** `key` values as in KeyboardEvent.key, with modifiers joined by "+". */
  keys: string[];
  description: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'next-frame', keys: ['f'], description: 'Next frame' },
  { action: 'previous-frame', keys: ['d'], description: 'Previous frame' },
  { action: 'forward-step', keys: ['v'], description: 'Jump forward 10 frames' },
  { action: 'backward-step', keys: ['c'], description: 'Jump back 10 frames' },
  { action: 'draw-rectangle', keys: ['n'], description: 'Draw a rectangle' },
  { action: 'cancel', keys: ['Escape'], description: 'Cancel drawing, deselect' },
  { action: 'undo', keys: ['Ctrl+z'], description: 'Undo' },
  { action: 'redo', keys: ['Ctrl+Shift+z', 'Ctrl+y'], description: 'Redo' },
  { action: 'delete-object', keys: ['Delete', 'Backspace'], description: 'Delete the selected object' },
  { action: 'fit', keys: ['0'], description: 'Fit the image to the screen' },
  { action: 'play-pause', keys: [' '], description: 'Play or pause' },
  { action: 'delete-frame', keys: ['Alt+Delete'], description: 'Delete or restore the current frame' },
];

function eventKey(event: KeyboardEvent): string {
  const parts: string[] = [];
  if (event.ctrlKey || event.metaKey) parts.push('Ctrl');
  if (event.altKey) parts.push('Alt');
  if (event.shiftKey && event.key.length === 1) parts.push('Shift');
  parts.push(event.key.length === 1 ? event.key.toLowerCase() : event.key);
  return parts.join('+');
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

/** The action a key press triggers, ignoring presses while typing in a field. */
export function shortcutFor(event: KeyboardEvent): ShortcutAction | null {
  if (isTyping(event.target)) return null;
  const key = eventKey(event);
  return SHORTCUTS.find((s) => s.keys.includes(key))?.action ?? null;
}
