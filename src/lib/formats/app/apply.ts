/**
 * Applies an imported `Dataset` to a project, a task or a job, transactionally: everything is
 * checked first (labels, frames by name, ids, images), and only then written, job by job in one
 * bulk write each. If any write fails, or the import is cancelled while writing, whatever was
 * written is undone: annotations are restored, created tasks removed, labels put back and
 * blobs that the import stored removed.
 *
 * Semantics follow CVAT: annotations are appended to what a task or job holds unless
 * `clean` ("Clean old annotations") is set; a project import creates one task per subset from
 * the archive's images; labels are matched by name, and unmatched labels are mapped by the user
 * (to a project label, added to the project, or skipped).
 */
import { invertDiff } from '../../core/diff';
import { newId, now } from '../../core/ids';
import type {
  AttributeSpec,
  AttributeValue,
  FrameMeta,
  FrameObject,
  Id,
  Job,
  LabelSpec,
  Project,
  Task,
  Track,
  TrackedShape,
} from '../../core/types';
import type { AnnotationDiff, Repository } from '../../store';
import type { Dataset, DatasetItem, FileSource } from '../types';
import {
  ADD_LABEL,
  copyLabel,
  proposeLabelMapping,
  translateLabel,
  withMissingAttributes,
  type LabelMapping,
  type LabelTranslation,
} from './labels';
import { ImageLocator, mimeOf, type MediaIngest } from './media';

export type ImportTarget =
  { kind: 'project'; projectId: Id } | { kind: 'task'; taskId: Id } | { kind: 'job'; jobId: Id };

export interface ImportOptions {
  /** Dataset label name → project label name, `'+'` (add it) or `null` (skip its annotations). */
  labelMapping?: LabelMapping;
  /** Remove the target's annotations first ("Clean old annotations"). */
  clean?: boolean;
  /** Project imports: the archive the images are read from, and where they are stored. */
  source?: FileSource;
  ingest?: MediaIngest;
  /** Project imports: frames per job of the created tasks; 0 (default) gives one job per task. */
  segmentSize?: number;
  /** Recorded as the author of imported objects. */
  author?: string;
  /** Keep each object's own author and edit time when it has them (backups). */
  keepObjectMeta?: boolean;
  /** How items find task frames: by name (default, as CVAT) or by frame number (backups). */
  matchFrames?: 'name' | 'number';
  /**
   * Keep track keyframes on task frames outside the target job (backups restore tracks whole);
   * by default a job import keeps only the job's frames, as CVAT does.
   */
  keepWholeTracks?: boolean;
  /** What happens to dataset labels the project lacks and no mapping mentions; default `error`. */
  unmatchedLabels?: 'error' | 'add';
  progress?: (fraction: number, message?: string) => void;
  signal?: AbortSignal;
}

export interface ImportResult {
  shapes: number;
  tags: number;
  tracks: number;
  /** Tasks created by a project import, in subset order. */
  tasks: Id[];
  /** Labels added to the project. */
  labelsAdded: string[];
  /** What was left out or changed, in words. */
  warnings: string[];
}

/** The import was refused; nothing was written. `problems` lists every reason found (up to 20). */
export class ImportError extends Error {
  override readonly name = 'ImportError';
  constructor(
    readonly problems: string[],
    readonly more = 0,
  ) {
    const shown = problems.slice(0, 5).join('\n');
    const rest = problems.length - 5 + more;
    super(`${shown}${rest > 0 ? `\n…and ${rest} more problem(s)` : ''}`);
  }
}

const MAX_PROBLEMS = 20;

class Problems {
  readonly list: string[] = [];
  more = 0;
  add(message: string): void {
    if (this.list.length < MAX_PROBLEMS) this.list.push(message);
    else this.more++;
  }
  throwIfAny(): void {
    if (this.list.length > 0) throw new ImportError(this.list, this.more);
  }
}

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw new DOMException('The import was cancelled.', 'AbortError');
}

const quote = (s: string) => JSON.stringify(s);
const listOf = (names: readonly string[], max = 8) =>
  names.length === 0
    ? '(none)'
    : names.slice(0, max).map(quote).join(', ') + (names.length > max ? ', …' : '');

// ---------------------------------------------------------------------------------------------
// Labels

interface LabelPlan {
  /** The project's labels after the import. */
  labels: LabelSpec[];
  changed: boolean;
  added: string[];
  /** Dataset label id → translation; `null` = skip its annotations. */
  translations: Map<Id, LabelTranslation | null>;
  warnings: string[];
}

function usedLabelIds(dataset: Dataset): Set<Id> {
  const used = new Set<Id>();
  for (const s of dataset.shapes) used.add(s.label_id);
  for (const t of dataset.tags) used.add(t.label_id);
  for (const t of dataset.tracks) used.add(t.label_id);
  return used;
}

function planLabels(
  project: Project,
  dataset: Dataset,
  options: ImportOptions,
  problems: Problems,
): LabelPlan {
  const { mapping: proposed } = proposeLabelMapping(dataset.labels, project.labels);
  const adopt = project.labels.length === 0;
  const used = usedLabelIds(dataset);
  const known = new Set(dataset.labels.map((l) => l.id));
  for (const id of used) {
    if (!known.has(id)) problems.add(`the dataset refers to label id ${quote(id)} that it does not define`);
  }
  const labels = [...project.labels];
  const byName = new Map(labels.map((l, i) => [l.name, i]));
  const added: string[] = [];
  const warnings: string[] = [];
  let changed = false;
  const decisions = new Map<Id, { target: number } | null>();
  for (const label of dataset.labels) {
    const explicit = options.labelMapping && label.name in options.labelMapping;
    let decision = explicit ? options.labelMapping![label.name]! : (proposed[label.name] ?? undefined);
    if (decision === undefined && (adopt || options.unmatchedLabels === 'add')) decision = ADD_LABEL;
    if (decision === null) {
      decisions.set(label.id, null);
      continue;
    }
    if (decision === undefined) {
      if (used.has(label.id)) {
        problems.add(
          `label ${quote(label.name)} is not in project ${quote(project.name)} ` +
            `(expected one of ${listOf(project.labels.map((l) => l.name))}; map it to a project label, add it or skip it)`,
        );
      }
      continue;
    }
    if (decision === ADD_LABEL) {
      const existing = byName.get(label.name);
      if (existing !== undefined) {
        decisions.set(label.id, { target: existing });
        continue;
      }
      const copy = copyLabel(
        label,
        labels.map((l) => l.color),
      );
      byName.set(copy.name, labels.length);
      decisions.set(label.id, { target: labels.length });
      labels.push(copy);
      added.push(copy.name);
      changed = true;
      continue;
    }
    const target = byName.get(decision);
    if (target === undefined) {
      problems.add(
        `label ${quote(label.name)} is mapped to ${quote(decision)}, which is not a label of project ` +
          `${quote(project.name)} (expected one of ${listOf(project.labels.map((l) => l.name))})`,
      );
      continue;
    }
    const widened = withMissingAttributes(labels[target]!, label);
    if (widened !== labels[target]) {
      const names = widened.attributes.slice(labels[target]!.attributes.length).map((a) => a.name);
      warnings.push(`added attribute(s) ${listOf(names)} to label ${quote(widened.name)}`);
      labels[target] = widened;
      changed = true;
    }
    decisions.set(label.id, { target });
  }
  const translations = new Map<Id, LabelTranslation | null>();
  for (const label of dataset.labels) {
    const decision = decisions.get(label.id);
    if (decision === undefined) continue;
    translations.set(label.id, decision === null ? null : translateLabel(label, labels[decision.target]!));
  }
  return { labels, changed, added, translations, warnings };
}

// ---------------------------------------------------------------------------------------------
// Frames

const base = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const withoutExt = (path: string) => {
  const dot = path.lastIndexOf('.');
  return dot > path.lastIndexOf('/') ? path.slice(0, dot) : path;
};

/** Finds task frames by name: exact, without extension, file name, file stem; ambiguous keys miss. */
class FrameIndex {
  private readonly keys = new Map<string, number | null>();
  constructor(frames: readonly Pick<FrameMeta, 'name'>[]) {
    const add = (key: string, frame: number) => {
      const existing = this.keys.get(key);
      if (existing === undefined) this.keys.set(key, frame);
      else if (existing !== frame) this.keys.set(key, null);
    };
    // Stronger keys first, so that a weaker key never shadows an exact name.
    frames.forEach((f, i) => add(`=${f.name}`, i));
    frames.forEach((f, i) => add(`.${withoutExt(f.name)}`, i));
    frames.forEach((f, i) => add(`/${base(f.name)}`, i));
    frames.forEach((f, i) => add(`~${withoutExt(base(f.name))}`, i));
  }
  find(name: string): number | undefined {
    const keys = [`=${name}`, `.${withoutExt(name)}`, `/${base(name)}`, `~${withoutExt(base(name))}`];
    for (const key of keys) {
      const hit = this.keys.get(key);
      if (hit !== undefined && hit !== null) return hit;
    }
    return undefined;
  }
}

/** Names that say nothing but a frame number (`frame_000012`, `12`), matched by number as CVAT does. */
const NUMBERED = /^(frame_)?\d+$/;

function mapItemsToTask(
  dataset: Dataset,
  task: Task,
  frames: readonly FrameMeta[],
  byNumber: boolean,
  problems: Problems,
): Map<number, number> {
  const index = new FrameIndex(frames);
  const map = new Map<number, number>();
  const missing: string[] = [];
  for (const item of dataset.items) {
    if (byNumber) {
      if (item.frame >= 0 && item.frame < frames.length) map.set(item.frame, item.frame);
      else missing.push(`#${item.frame}`);
      continue;
    }
    let frame = index.find(item.name);
    if (frame === undefined && (item.name === '' || NUMBERED.test(withoutExt(base(item.name))))) {
      if (item.frame >= 0 && item.frame < frames.length) frame = item.frame;
    }
    if (frame === undefined) missing.push(item.name || `#${item.frame}`);
    else map.set(item.frame, frame);
  }
  if (missing.length > 0) {
    problems.add(
      `${missing.length} image(s) of the dataset are not frames of task ${quote(task.name)}: ${listOf(missing, 5)} ` +
        `(expected frame names such as ${listOf(
          frames.slice(0, 3).map((f) => f.name),
          3,
        )})`,
    );
  }
  return map;
}

// ---------------------------------------------------------------------------------------------
// Objects

interface Converted {
  /** Objects per target job. */
  objects: Map<Id, FrameObject[]>;
  tracks: Map<Id, Track[]>;
  shapes: number;
  tags: number;
  trackCount: number;
  skipped: number;
  outside: number;
}

interface Placement {
  /** Dataset frame → target job and task frame; `undefined` when the frame is outside the target. */
  place(datasetFrame: number): { jobId: Id; frame: number } | undefined;
  /** Whether the dataset frame is known at all (an item's frame). */
  known(datasetFrame: number): boolean;
  /** The task frame of a dataset frame, also outside the target job. */
  taskFrame(datasetFrame: number): number | undefined;
}

function convertAttributes(
  values: readonly AttributeValue[],
  specs: Map<string, AttributeSpec>,
  where: () => string,
  problems: Problems,
): AttributeValue[] {
  const out: AttributeValue[] = [];
  for (const value of values) {
    const spec = specs.get(value.spec_id);
    if (!spec) {
      problems.add(`${where()}: attribute id ${quote(value.spec_id)} is not an attribute of its label`);
      continue;
    }
    const v = String(value.value);
    if (spec.input_type === 'number' && v !== '' && !Number.isFinite(Number(v))) {
      problems.add(`${where()}: attribute ${quote(spec.name)} is ${quote(v)} (expected a number)`);
      continue;
    }
    out.push({ spec_id: spec.id, value: v });
  }
  return out;
}

function convertObjects(
  dataset: Dataset,
  plan: LabelPlan,
  placement: Placement,
  meta: { author: string; date: string; keep: boolean; clipTracks: boolean },
  problems: Problems,
): Converted {
  const stamp = (o: { author: string; updated_date: string }) =>
    meta.keep && o.updated_date
      ? { updated_date: o.updated_date, author: o.author }
      : { updated_date: meta.date, author: meta.author };
  const result: Converted = {
    objects: new Map(),
    tracks: new Map(),
    shapes: 0,
    tags: 0,
    trackCount: 0,
    skipped: 0,
    outside: 0,
  };
  const push = <T>(map: Map<Id, T[]>, jobId: Id, value: T) => {
    let list = map.get(jobId);
    if (!list) map.set(jobId, (list = []));
    list.push(value);
  };
  const labelName = new Map(dataset.labels.map((l) => [l.id, l.name]));

  for (const shape of dataset.shapes) {
    const translation = plan.translations.get(shape.label_id);
    if (translation === null) {
      result.skipped++;
      continue;
    }
    if (translation === undefined) continue; // reported with the labels
    const where = () =>
      `${shape.type} on frame ${shape.frame} (label ${quote(labelName.get(shape.label_id) ?? '')})`;
    if (!placement.known(shape.frame)) {
      problems.add(`${where()}: no image of the dataset has frame ${shape.frame}`);
      continue;
    }
    const at = placement.place(shape.frame);
    if (!at) {
      result.outside++;
      continue;
    }
    const attributes = convertAttributes(shape.attributes, translation.attributes, where, problems);
    const object = {
      ...shape,
      kind: 'shape',
      id: newId(),
      frame: at.frame,
      label_id: translation.label.id,
      attributes,
      ...stamp(shape),
    } as FrameObject;
    if (shape.type === 'skeleton') {
      const elements = shape.elements.flatMap((element) => {
        const sub = translation.sublabels.get(element.label_id);
        if (!sub) {
          problems.add(
            `${where()}: skeleton point id ${quote(element.label_id)} is not a point of the label`,
          );
          return [];
        }
        const specs =
          translation.sublabelAttributes.get(element.label_id) ?? new Map<string, AttributeSpec>();
        return [
          {
            ...element,
            label_id: sub.id,
            attributes: convertAttributes(element.attributes, specs, where, problems),
          },
        ];
      });
      (object as { elements: unknown }).elements = elements;
    }
    push(result.objects, at.jobId, object);
    result.shapes++;
  }

  for (const tag of dataset.tags) {
    const translation = plan.translations.get(tag.label_id);
    if (translation === null) {
      result.skipped++;
      continue;
    }
    if (translation === undefined) continue;
    const where = () => `tag on frame ${tag.frame} (label ${quote(labelName.get(tag.label_id) ?? '')})`;
    if (!placement.known(tag.frame)) {
      problems.add(`${where()}: no image of the dataset has frame ${tag.frame}`);
      continue;
    }
    const at = placement.place(tag.frame);
    if (!at) {
      result.outside++;
      continue;
    }
    push(result.objects, at.jobId, {
      ...tag,
      kind: 'tag',
      id: newId(),
      frame: at.frame,
      label_id: translation.label.id,
      attributes: convertAttributes(tag.attributes, translation.attributes, where, problems),
      ...stamp(tag),
    });
    result.tags++;
  }

  for (const track of dataset.tracks) {
    const translation = plan.translations.get(track.label_id);
    if (translation === null) {
      result.skipped++;
      continue;
    }
    if (translation === undefined) continue;
    const where = () =>
      `track from frame ${track.frame} (label ${quote(labelName.get(track.label_id) ?? '')})`;
    let jobId: Id | undefined;
    let outside = false;
    const mapShapes = (
      shapes: readonly TrackedShape[],
      specs: Map<string, AttributeSpec>,
    ): TrackedShape[] => {
      const out: TrackedShape[] = [];
      for (const s of shapes) {
        if (!placement.known(s.frame)) {
          problems.add(`${where()}: keyframe ${s.frame} is not a frame of the dataset`);
          continue;
        }
        const at = placement.place(s.frame);
        const frame = at?.frame ?? (meta.clipTracks ? undefined : placement.taskFrame(s.frame));
        if (frame === undefined) {
          outside = true;
          continue;
        }
        if (at) jobId ??= at.jobId;
        out.push({ ...s, frame, attributes: convertAttributes(s.attributes, specs, where, problems) });
      }
      return out.sort((a, b) => a.frame - b.frame);
    };
    const shapes = mapShapes(track.shapes, translation.attributes);
    const elements = track.elements.flatMap((element) => {
      const sub = translation.sublabels.get(element.label_id);
      if (!sub) {
        problems.add(`${where()}: skeleton point id ${quote(element.label_id)} is not a point of the label`);
        return [];
      }
      const specs = translation.sublabelAttributes.get(element.label_id) ?? new Map<string, AttributeSpec>();
      return [
        {
          label_id: sub.id,
          shapes: mapShapes(element.shapes, specs),
          attributes: convertAttributes(element.attributes, specs, where, problems),
        },
      ];
    });
    if (jobId === undefined || (shapes.length === 0 && elements.every((e) => e.shapes.length === 0))) {
      if (outside) result.outside++;
      continue;
    }
    const first = Math.min(
      ...shapes.map((s) => s.frame),
      ...elements.flatMap((e) => e.shapes.map((s) => s.frame)),
    );
    push(result.tracks, jobId, {
      ...track,
      id: newId(),
      job_id: jobId,
      frame: first,
      label_id: translation.label.id,
      attributes: convertAttributes(track.attributes, translation.attributes, where, problems),
      shapes,
      elements,
      ...stamp(track),
    });
    result.trackCount++;
  }
  return result;
}

/** Job index per task frame: the first job (by start frame) that holds it. */
function jobPerFrame(size: number, jobs: readonly Job[]): (Id | undefined)[] {
  const out = new Array<Id | undefined>(size);
  for (const job of [...jobs].sort((a, b) => b.start_frame - a.start_frame)) {
    for (let f = job.start_frame; f <= job.stop_frame && f < size; f++) out[f] = job.id;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writing with undo

interface Undo {
  jobs: { jobId: Id; diff: AnnotationDiff; addedTracks: Id[]; removedTracks: Track[] }[];
  tasks: Id[];
  labels?: { projectId: Id; labels: LabelSpec[] };
  blobs: string[];
}

async function rollback(repo: Repository, undo: Undo, ingest: MediaIngest | undefined): Promise<void> {
  const errors: unknown[] = [];
  const attempt = async (work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      errors.push(error);
    }
  };
  for (const step of [...undo.jobs].reverse()) {
    await attempt(() => repo.annotations.removeTracks(step.addedTracks));
    await attempt(() => repo.annotations.putTracks(step.removedTracks));
    await attempt(() => repo.annotations.applyDiff(step.jobId, invertDiff(step.diff)));
  }
  for (const taskId of undo.tasks) await attempt(() => repo.tasks.remove(taskId));
  if (undo.labels) {
    const { projectId, labels } = undo.labels;
    await attempt(() => repo.projects.update(projectId, { labels }));
  }
  if (ingest && undo.blobs.length > 0) await attempt(() => ingest.remove(undo.blobs));
  if (errors.length > 0) console.error('Import rollback was incomplete', errors);
}

async function writeJob(
  repo: Repository,
  jobId: Id,
  objects: readonly FrameObject[],
  tracks: readonly Track[],
  clean: boolean,
  undo: Undo,
): Promise<void> {
  const diff: AnnotationDiff = { added: {}, updated: {}, removed: {} };
  let removedTracks: Track[] = [];
  if (clean) {
    const current = await repo.annotations.loadJob(jobId);
    for (const onFrame of current.frames.values()) Object.assign(diff.removed, onFrame);
    removedTracks = current.tracks;
  }
  for (const object of objects) diff.added[object.id] = object;
  const step = { jobId, diff, addedTracks: tracks.map((t) => t.id), removedTracks };
  undo.jobs.push(step);
  await repo.annotations.applyDiff(jobId, diff);
  if (removedTracks.length > 0) await repo.annotations.removeTracks(removedTracks.map((t) => t.id));
  if (tracks.length > 0) await repo.annotations.putTracks(tracks);
}

// ---------------------------------------------------------------------------------------------
// Entry point

function warningsOf(converted: Converted, plan: LabelPlan): string[] {
  const warnings = [...plan.warnings];
  if (converted.skipped > 0)
    warnings.push(`${converted.skipped} object(s) of skipped labels were not imported`);
  if (converted.outside > 0)
    warnings.push(`${converted.outside} object(s) on frames outside the target were not imported`);
  return warnings;
}

/**
 * Validates `dataset` against the target and writes it, all or nothing. Throws `ImportError`
 * (nothing written) when the dataset does not fit; rethrows write errors after undoing.
 */
export async function importDataset(
  repo: Repository,
  dataset: Dataset,
  target: ImportTarget,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const progress = options.progress ?? (() => undefined);
  const problems = new Problems();
  checkAbort(options.signal);
  progress(0, 'Checking the dataset');

  let project: Project;
  let task: Task | undefined;
  let jobs: Job[] = [];
  let frames: FrameMeta[] = [];
  if (target.kind === 'project') {
    const found = await repo.projects.get(target.projectId);
    if (!found) throw new ImportError([`project ${target.projectId} does not exist in this workspace`]);
    project = found;
  } else {
    let job: Job | undefined;
    if (target.kind === 'job') {
      job = await repo.jobs.get(target.jobId);
      if (!job) throw new ImportError([`job ${target.jobId} does not exist in this workspace`]);
    }
    const taskId = target.kind === 'task' ? target.taskId : job!.task_id;
    task = await repo.tasks.get(taskId);
    if (!task) throw new ImportError([`task ${taskId} does not exist in this workspace`]);
    const found = await repo.projects.get(task.project_id);
    if (!found) throw new ImportError([`project ${task.project_id} does not exist in this workspace`]);
    project = found;
    jobs = job ? [job] : await repo.jobs.listByTask(taskId);
    frames = await repo.media.framesOfTask(taskId);
  }

  const plan = planLabels(project, dataset, options, problems);
  const meta = {
    author: options.author ?? '',
    date: now(),
    keep: options.keepObjectMeta ?? false,
    clipTracks: !(options.keepWholeTracks ?? false),
  };

  // Items with their dataset frames must be unique.
  const itemFrames = new Set<number>();
  for (const item of dataset.items) {
    if (itemFrames.has(item.frame)) problems.add(`two images of the dataset have frame number ${item.frame}`);
    itemFrames.add(item.frame);
  }

  if (target.kind !== 'project') {
    const taskFrame = mapItemsToTask(dataset, task!, frames, options.matchFrames === 'number', problems);
    const owner = jobPerFrame(frames.length, jobs);
    const placement: Placement = {
      // Items that did not match a frame are reported above; their objects are not reported again.
      known: (f) => itemFrames.has(f),
      taskFrame: (f) => taskFrame.get(f),
      place(f) {
        const frame = taskFrame.get(f);
        if (frame === undefined) return undefined;
        const jobId = owner[frame];
        return jobId ? { jobId, frame } : undefined;
      },
    };
    const converted = convertObjects(dataset, plan, placement, meta, problems);
    problems.throwIfAny();
    checkAbort(options.signal);

    const undo: Undo = { jobs: [], tasks: [], blobs: [] };
    try {
      if (plan.changed) {
        undo.labels = { projectId: project.id, labels: project.labels };
        await repo.projects.update(project.id, { labels: plan.labels });
      }
      let done = 0;
      for (const job of jobs) {
        progress(0.1 + (0.9 * done++) / jobs.length, 'Writing annotations');
        await writeJob(
          repo,
          job.id,
          converted.objects.get(job.id) ?? [],
          converted.tracks.get(job.id) ?? [],
          options.clean ?? false,
          undo,
        );
        checkAbort(options.signal);
      }
    } catch (error) {
      await rollback(repo, undo, undefined);
      throw error;
    }
    progress(1, 'Done');
    return {
      shapes: converted.shapes,
      tags: converted.tags,
      tracks: converted.trackCount,
      tasks: [],
      labelsAdded: plan.added,
      warnings: warningsOf(converted, plan),
    };
  }

  return importIntoProject(repo, dataset, project, plan, meta, problems, options);
}

async function importIntoProject(
  repo: Repository,
  dataset: Dataset,
  project: Project,
  plan: LabelPlan,
  meta: { author: string; date: string; keep: boolean; clipTracks: boolean },
  problems: Problems,
  options: ImportOptions,
): Promise<ImportResult> {
  const progress = options.progress ?? (() => undefined);
  const { source, ingest } = options;
  if (!source || !ingest) {
    throw new ImportError([
      'importing into a project creates tasks from the images; no archive with images was given',
    ]);
  }
  // Subsets, in order of first appearance; each becomes a task.
  const subsets = new Map<string, DatasetItem[]>();
  for (const item of dataset.items) {
    let list = subsets.get(item.subset);
    if (!list) subsets.set(item.subset, (list = []));
    list.push(item);
  }
  if (dataset.items.length === 0)
    problems.add('the dataset has no images, so there is nothing to create tasks from');
  const locator = new ImageLocator(source);
  const paths = new Map<number, string>();
  const missing: string[] = [];
  for (const item of dataset.items) {
    const path = locator.find(item);
    if (path) paths.set(item.frame, path);
    else missing.push(item.name);
  }
  if (missing.length > 0) {
    problems.add(
      `${missing.length} image(s) are missing from the archive: ${listOf(missing, 5)} ` +
        `(expected the image files next to the annotations; export with "Save images" to include them)`,
    );
  }
  // Frame placement is only known after the tasks exist; check objects against items now.
  const known = new Set(dataset.items.map((i) => i.frame));
  const pending = new Map<number, { jobId: Id; frame: number }>();
  const placement: Placement = {
    known: (f) => known.has(f),
    place: (f) => pending.get(f) ?? { jobId: '', frame: -1 },
    taskFrame: (f) => pending.get(f)?.frame,
  };
  convertObjects(dataset, plan, placement, meta, problems);
  problems.throwIfAny();
  checkAbort(options.signal);

  const undo: Undo = { jobs: [], tasks: [], blobs: [] };
  const taskIds: Id[] = [];
  try {
    if (plan.changed) {
      undo.labels = { projectId: project.id, labels: project.labels };
      await repo.projects.update(project.id, { labels: plan.labels });
    }
    const total = dataset.items.length;
    let stored = 0;
    const BATCH = 32;
    for (const [subset, items] of subsets) {
      const metas: FrameMeta[] = [];
      for (let start = 0; start < items.length; start += BATCH) {
        checkAbort(options.signal);
        const batch = items.slice(start, start + BATCH);
        const files = await Promise.all(
          batch.map(async (item) => {
            const path = paths.get(item.frame)!;
            return {
              name: item.name,
              bytes: await source.read(path),
              mime: mimeOf(path),
              width: item.width,
              height: item.height,
            };
          }),
        );
        const results = await ingest.store(files);
        results.forEach((r, i) => {
          if (r.created) undo.blobs.push(r.sha256);
          metas.push({
            name: batch[i]!.name,
            width: r.width,
            height: r.height,
            blob: r.sha256,
            mime: r.mime,
            related_files: 0,
          });
        });
        stored += batch.length;
        progress(0.05 + (0.6 * stored) / Math.max(1, total), `Storing images (${stored} of ${total})`);
      }
      const name = subset || (typeof dataset.meta.name === 'string' && dataset.meta.name) || 'default';
      const created = await repo.tasks.create({
        project_id: project.id,
        name,
        frames: metas,
        segment_size: options.segmentSize ?? 0,
        overlap: 0,
        subset,
        dimension: dataset.dimension,
        ...(typeof dataset.meta.fps === 'number' ? { fps: dataset.meta.fps } : {}),
      });
      undo.tasks.push(created.task.id);
      taskIds.push(created.task.id);
      const owner = jobPerFrame(metas.length, created.jobs);
      items.forEach((item, i) => pending.set(item.frame, { jobId: owner[i]!, frame: i }));
    }
    checkAbort(options.signal);
    // Now that frames have homes, convert for real (ids and placement); validation already passed.
    const converted = convertObjects(dataset, plan, placement, meta, new Problems());
    const jobIds = [...new Set([...converted.objects.keys(), ...converted.tracks.keys()])];
    let done = 0;
    for (const jobId of jobIds) {
      progress(0.65 + (0.35 * done++) / Math.max(1, jobIds.length), 'Writing annotations');
      await writeJob(
        repo,
        jobId,
        converted.objects.get(jobId) ?? [],
        converted.tracks.get(jobId) ?? [],
        false,
        undo,
      );
      checkAbort(options.signal);
    }
    progress(1, 'Done');
    return {
      shapes: converted.shapes,
      tags: converted.tags,
      tracks: converted.trackCount,
      tasks: taskIds,
      labelsAdded: plan.added,
      warnings: warningsOf(converted, plan),
    };
  } catch (error) {
    // Removing the created tasks removes their annotations too.
    undo.jobs = [];
    await rollback(repo, undo, ingest);
    throw error;
  }
}
