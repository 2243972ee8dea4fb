import { describe, expect, it } from 'vitest';
import { expandTaskName, taskNamesFor } from './taskNames';

describe('task name templates', () => {
  it("expands CVAT's tokens", () => {
    expect(expandTaskName('Create_multitask-{{index}}-{{file_name}}', { index: 0, file_name: 'a.mp4' })).toBe(
      'Create_multitask-0-a.mp4',
    );
  });

  it('names each file of a set, indices from 0', () => {
    expect(taskNamesFor('clip {{index}}', ['a.mp4', 'b.mp4'])).toEqual(['clip 0', 'clip 1']);
  });

  it('keeps names apart when the template has no token', () => {
    expect(taskNamesFor('Drive', ['a.mp4', 'b.mp4'])).toEqual(['Drive a.mp4', 'Drive b.mp4']);
    expect(taskNamesFor('Drive', ['a.mp4'])).toEqual(['Drive']);
  });

  it('falls back to the file name for an empty result', () => {
    expect(taskNamesFor('', ['a.mp4'])).toEqual(['a.mp4']);
  });
});
