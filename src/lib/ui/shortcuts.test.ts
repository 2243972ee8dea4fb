import { describe, expect, it } from 'vitest';
import {
  effectiveKeymap,
  findConflicts,
  formatKey,
  keyFromEvent,
  normalizeKey,
  rebind,
  SHORTCUTS,
  ShortcutMatcher,
} from './shortcuts';

function press(key: string, init: Partial<KeyboardEvent> = {}): KeyboardEvent {
  const code = /^[a-z]$/i.test(key) ? `Key${key.toUpperCase()}` : '';
  return {
    key,
    code,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    shiftKey: false,
    ...init,
  } as KeyboardEvent;
}

const keysOf = (action: string) => SHORTCUTS.find((s) => s.action === action)?.keys;

describe('default key map', () => {
  it("has CVAT's keys for the actions the job page handles", () => {
    expect(keysOf('next-frame')).toEqual(['f']);
    expect(keysOf('previous-frame')).toEqual(['d']);
    expect(keysOf('forward-step')).toEqual(['v']);
    expect(keysOf('backward-step')).toEqual(['c']);
    expect(keysOf('play-pause')).toEqual(['Space']);
    expect(keysOf('undo')).toEqual(['Ctrl+z']);
    expect(keysOf('redo')).toEqual(['Ctrl+Shift+z', 'Ctrl+y']);
    expect(keysOf('delete-frame')).toEqual(['Alt+Delete']);
    expect(keysOf('switch-all-lock')).toEqual(['t l']);
    expect(keysOf('show-shortcuts')).toContain('F1');
  });

  it('has no conflicts', () => {
    expect(findConflicts(SHORTCUTS)).toEqual([]);
  });

  it('writes every key in canonical form', () => {
    for (const s of SHORTCUTS) for (const k of s.keys) expect(normalizeKey(k)).toBe(k);
  });
});

describe('keys', () => {
  it('normalise modifiers, case and spaces', () => {
    expect(normalizeKey('shift+ctrl+Z')).toBe('Ctrl+Shift+z');
    expect(normalizeKey('meta+c')).toBe('Ctrl+c');
    expect(normalizeKey(' ')).toBe('');
    expect(normalizeKey('space')).toBe('Space');
    expect(normalizeKey('T  L')).toBe('t l');
    expect(normalizeKey('+')).toBe('+');
    expect(normalizeKey('Ctrl++')).toBe('Ctrl++');
  });

  it('read presses from events', () => {
    expect(keyFromEvent(press('Z', { ctrlKey: true, shiftKey: true }))).toBe('Ctrl+Shift+z');
    expect(keyFromEvent(press('+', { shiftKey: true }))).toBe('+');
    expect(keyFromEvent(press('?', { shiftKey: true }))).toBe('?');
    expect(keyFromEvent(press('Tab', { shiftKey: true }))).toBe('Shift+Tab');
    expect(keyFromEvent(press(' '))).toBe('Space');
    expect(keyFromEvent(press('µ', { altKey: true, code: 'KeyM' }))).toBe('Alt+m');
    expect(keyFromEvent(press('Control', { ctrlKey: true }))).toBeNull();
  });

  it('format for people', () => {
    expect(formatKey('Ctrl+Shift+z')).toBe('Ctrl+Shift+Z');
    expect(formatKey('t l')).toBe('T then L');
    expect(formatKey('ArrowUp')).toBe('↑');
    expect(formatKey('+')).toBe('+');
  });
});

describe('matching presses', () => {
  it('prefers a two-key sequence over its last key, within a second', () => {
    const m = new ShortcutMatcher();
    expect(m.match(SHORTCUTS, 't', ['annotation'], 0)).toBeNull();
    expect(m.match(SHORTCUTS, 'l', ['annotation'], 500)).toBe('switch-all-lock');
    expect(m.match(SHORTCUTS, 'l', ['annotation'], 700)).toBe('switch-lock');
    m.match(SHORTCUTS, 't', ['annotation'], 1000);
    expect(m.match(SHORTCUTS, 'h', ['annotation'], 2500)).toBe('switch-hidden');
  });

  it('only matches actions of the active scopes and general', () => {
    const m = new ShortcutMatcher();
    expect(m.match(SHORTCUTS, 'n', ['annotation'], 0)).toBe('draw-rectangle');
    expect(m.match(SHORTCUTS, 'n', ['review'], 5000)).toBe('open-issue');
    expect(m.match(SHORTCUTS, 'Tab', ['annotation'], 10000)).toBeNull();
    expect(m.match(SHORTCUTS, 'F1', [], 15000)).toBe('show-shortcuts');
  });
});

describe('customising', () => {
  it('replaces the keys of an action', () => {
    const result = rebind({}, 'next-frame', ['ArrowRight ']);
    // ArrowRight is search-forward's key in the same scope.
    expect(result.ok).toBe(false);
    const ok = rebind({}, 'next-frame', ['x']);
    expect(ok).toEqual({ ok: true, overrides: { 'next-frame': ['x'] } });
    if (!ok.ok) return;
    const keymap = effectiveKeymap(ok.overrides);
    expect(new ShortcutMatcher().match(keymap, 'x', ['annotation'], 0)).toBe('next-frame');
    expect(new ShortcutMatcher().match(keymap, 'f', ['annotation'], 0)).toBeNull();
  });

  it('reports a conflict with the other action and key, and saves nothing', () => {
    const result = rebind({ fit: ['9'] }, 'undo', ['d']);
    expect(result).toEqual({
      ok: false,
      conflicts: [{ key: 'd', otherKey: 'd', actions: ['previous-frame', 'undo'] }],
    });
  });

  it('treats a key that starts another action’s sequence as a conflict', () => {
    const result = rebind({}, 'fit', ['t']);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.conflicts.map((c) => c.otherKey).sort()).toEqual(['t h', 't l']);
  });

  it('allows one key in scopes that are never active together', () => {
    expect(rebind({}, 'open-issue', ['f']).ok).toBe(true);
    expect(rebind({}, 'show-settings', ['f']).ok).toBe(false);
  });

  it('drops the override when an action gets its default keys back, and ignores unknown actions', () => {
    expect(rebind({ undo: ['u'], bogus: ['q'] }, 'undo', ['ctrl+z'])).toEqual({ ok: true, overrides: {} });
  });

  it('lets the user remove every key of an action', () => {
    expect(rebind({}, 'fit', [])).toEqual({ ok: true, overrides: { fit: [] } });
  });
});
