/**
 * Task names for creating one task per video, with CVAT's tokens: `{{index}}` is the file's
 * position in the set (from 0) and `{{file_name}}` its name.
 */
export function expandTaskName(template: string, file: { index: number; file_name: string }): string {
  return template
    .replaceAll('{{index}}', String(file.index))
    .replaceAll('{{file_name}}', file.file_name)
    .trim();
}

/** Names for a set of files; a template without tokens gets the file name appended so names stay apart. */
export function taskNamesFor(template: string, fileNames: readonly string[]): string[] {
  const hasToken = template.includes('{{index}}') || template.includes('{{file_name}}');
  const effective = hasToken || fileNames.length < 2 ? template : `${template} {{file_name}}`;
  return fileNames.map((file_name, index) => expandTaskName(effective, { index, file_name }) || file_name);
}
