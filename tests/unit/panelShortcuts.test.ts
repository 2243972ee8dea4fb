import { describe, expect, it } from 'vitest';
import { effectiveKeymap, findConflicts, ShortcutMatcher } from '$lib/ui/shortcuts';

const keymap = effectiveKeymap({});

describe('attribute annotation mode keys', () => {
  it('digits set values, arrows walk attributes and frames, Tab walks objects', () => {
    const matcher = new ShortcutMatcher();
    let t = 0;
    const match = (key: string) => matcher.match(keymap, key, ['attribute'], (t += 5000));
    expect(match('2')).toBe('set-attribute-value');
    expect(match('0')).toBe('set-attribute-value');
    expect(match('ArrowDown')).toBe('next-attribute');
    expect(match('ArrowUp')).toBe('previous-attribute');
    expect(match('ArrowRight')).toBe('next-annotated-frame');
    expect(match('ArrowLeft')).toBe('previous-annotated-frame');
    expect(match('Tab')).toBe('next-object');
    expect(match('Shift+Tab')).toBe('previous-object');
  });

  it('does not take the standard workspace keys (0 still fits the image there)', () => {
    const matcher = new ShortcutMatcher();
    expect(matcher.match(keymap, '0', ['annotation'], 0)).toBe('fit');
    expect(matcher.match(keymap, 'n', ['review'], 5000)).toBe('open-issue');
  });

  it('adds no conflicts to the default key map', () => {
    expect(findConflicts(keymap)).toEqual([]);
  });
});
