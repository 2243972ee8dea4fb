import { SvelteSet } from 'svelte/reactivity';
import { createEntry, History, type Diff, type RecordMap } from '$lib/core/history';
import {
  createShape,
  defaultAttributeValues,
  type DrawnGeometry,
  type RectanglePoints,
} from '$lib/core/shapes';
import { newId, now } from '$lib/core/ids';
import { TrackIndex } from '$lib/core/interpolation';
import {
  applyTrackEdit,
  shapeFromState,
  createTrack,
  mergeIntoTrack,
  setOutside,
  splitTrack,
  toggleKeyframe,
  trackFromShape,
  trackPosition,
  trackShapeAt,
  type MergeSource,
  type TrackPosition,
} from '$lib/core/tracks';
import type {
  FrameMeta,
  FrameObject,
  Id,
  Job,
  LabelSpec,
  Project,
  Shape,
  Task,
  Track,
} from '$lib/core/types';
import { deepEqual } from 'rxdb';
import type { JobChange, Repository } from '$lib/store';
import { share, type Observable } from 'rxjs';

type SaveState = 'saved' | 'saving' | 'error';

/**
 * Hidden, locked and pinned state of one object. It belongs to this device (as in CVAT: it is
 * not an annotation and never replicates) but it is undoable, so it lives in the job history
 * beside the object diffs and is saved with it.
 */
export interface ViewRecord {
  id: `view:${string}`;
  kind: 'view';
  object: Id;
  hidden: boolean;
  locked: boolean;
  pinned: boolean;
}

type ViewFlag = 'hidden' | 'locked' | 'pinned';

/** A track in the history (its id is the track's). */
export type TrackRecord = { kind: 'track' } & Track;

/** What the history holds: annotation objects, tracks and view records. */
export type JobRecord = FrameObject | ViewRecord | TrackRecord;

const isView = (r: JobRecord): r is ViewRecord => r.kind === 'view';
const isTrack = (r: JobRecord): r is TrackRecord => r.kind === 'track';

function trackOf(record: TrackRecord): Track {
  const { kind: _kind, ...track } = record;
  return track;
}

/** The saved form: the history plus the current view records (format 2; format 1 was the history alone). */
interface SavedJobState {
  format: 2;
  history: unknown;
  view: ViewRecord[];
}

function splitDiff(diff: Diff<JobRecord>): {
  objects: Diff<FrameObject>;
  views: Diff<ViewRecord>;
  tracks: Diff<TrackRecord>;
} {
  const objects: Diff<FrameObject> = { added: {}, updated: {}, removed: {} };
  const views: Diff<ViewRecord> = { added: {}, updated: {}, removed: {} };
  const tracks: Diff<TrackRecord> = { added: {}, updated: {}, removed: {} };
  for (const [id, r] of Object.entries(diff.added)) {
    if (isView(r)) views.added[id] = r;
    else if (isTrack(r)) tracks.added[id] = r;
    else objects.added[id] = r;
  }
  for (const [id, [before, after]] of Object.entries(diff.updated)) {
    if (isView(after) && isView(before)) views.updated[id] = [before, after];
    else if (isTrack(after) && isTrack(before)) tracks.updated[id] = [before, after];
    else if (!isView(after) && !isView(before) && !isTrack(after) && !isTrack(before))
      objects.updated[id] = [before, after];
  }
  for (const [id, r] of Object.entries(diff.removed)) {
    if (isView(r)) views.removed[id] = r;
    else if (isTrack(r)) tracks.removed[id] = r;
    else objects.removed[id] = r;
  }
  return { objects, views, tracks };
}

/** Undo depth of a job, kept across reloads (CVAT keeps 128 and loses them on reload). */
export const JOB_HISTORY_LIMIT = 1000;

/**
 * One open job: its objects, the current frame and the undo history. Every change goes through
 * `commit`, which applies a diff in memory, records it, and persists both the annotations and
 * the history, so a reload restores exactly what the annotator saw, undo stack included.
 */
export class JobSession {
  /** The job; replaced when its stage, state or assignee change here or elsewhere. */
  job: Job = $state.raw(undefined as unknown as Job);
  task: Task;
  /** The job's project; replaced when its labels change elsewhere (see `open` with `watch`). */
  project: Project = $state.raw(undefined as unknown as Project);
  readonly frames: FrameMeta[];

  frame = $state(0);
  /** Bumped on every change; reading `objects` or `objectsOn` subscribes to it. */
  version = $state(0);
  /** All objects of the job, mutated in place (copying 50k records per edit would be too slow). */
  private records: RecordMap<FrameObject> = {};
  // Plain collections on purpose: `version` is the single reactive signal for all of them.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private frameIndex = new Map<number, Set<Id>>();
  /** Tracks of the job by id, replaced on edit; the index finds the ones on a frame. */
  private trackRecords: Record<Id, Track> = {};
  private trackIndex = new TrackIndex();
  /** CVAT's "Show all interpolation tracks": tracks outside on this frame stay listed. */
  showAllTracks = $state(false);
  canUndo = $state(false);
  canRedo = $state(false);
  undoLabel = $state('');
  redoLabel = $state('');
  saveState = $state<SaveState>('saved');
  saveError = $state('');
  readonly deletedFrames = new SvelteSet<number>();
  /** When off, frame navigation skips deleted frames, as in CVAT. */
  showDeleted = $state(false);

  /** Hidden, locked and pinned objects: view state of this device (see ViewRecord). Read-only outside. */
  readonly hidden = new SvelteSet<Id>();
  readonly locked = new SvelteSet<Id>();
  readonly pinned = new SvelteSet<Id>();
  private views: Record<string, ViewRecord> = {};

  private clipboard: FrameObject[] = [];
  private history: History<JobRecord>;
  private writes: Promise<void> = Promise.resolve();
  /** Bumped by every edit here; a refresh read during an edit is thrown away and redone. */
  private writeGeneration = 0;
  /** Frames and tracks whose stored state differs from what the session shows (see watch). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly staleFrames = new Set<number>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly staleTracks = new Set<Id>();
  private refreshing = false;
  private watching = false;

  private constructor(
    private repo: Repository,
    init: {
      job: Job;
      task: Task;
      project: Project;
      frames: FrameMeta[];
      objects: RecordMap<FrameObject>;
      tracks: Track[];
      history: History<JobRecord>;
      views: ViewRecord[];
    },
  ) {
    this.job = init.job;
    this.task = init.task;
    this.project = init.project;
    this.frames = init.frames;
    this.records = init.objects;
    for (const object of Object.values(init.objects)) this.index(object);
    for (const track of init.tracks) {
      this.trackRecords[track.id] = track;
      this.trackIndex.set(track);
    }
    this.history = init.history;
    for (const view of init.views)
      if (this.records[view.object] || this.trackRecords[view.object]) this.setViewRecord(view.id, view);
    for (const f of init.task.deleted_frames ?? []) this.deletedFrames.add(f);
    this.frame = this.nearestVisible(init.job.start_frame, 1) ?? init.job.start_frame;
    this.syncHistoryState();
  }

  /**
   * Opens a job. With `watch`, changes made elsewhere are followed from before the job is read
   * (nothing written in between is missed); `stopWatching` ends that.
   */
  static async open(repo: Repository, jobId: Id, options: { watch?: boolean } = {}): Promise<JobSession> {
    const early: JobChange[] = [];
    const changes = options.watch ? repo.annotations.jobChanges$(jobId).pipe(share()) : null;
    const buffering = changes?.subscribe((change) => early.push(change));
    try {
      const session = await JobSession.read(repo, jobId);
      if (changes) session.stopFollowing = session.follow(changes, early);
      return session;
    } finally {
      buffering?.unsubscribe();
    }
  }

  /** Stops following changes made elsewhere (see `open`). */
  stopWatching(): void {
    this.stopFollowing?.();
    this.stopFollowing = undefined;
  }

  private stopFollowing: (() => void) | undefined;

  private static async read(repo: Repository, jobId: Id): Promise<JobSession> {
    const job = await repo.jobs.get(jobId);
    if (!job) throw new Error('This job does not exist in this workspace.');
    const task = await repo.tasks.get(job.task_id);
    if (!task) throw new Error('The task of this job is missing from this workspace.');
    const project = await repo.projects.get(task.project_id);
    if (!project) throw new Error('The project of this job is missing from this workspace.');
    const [frames, annotations, savedHistory] = await Promise.all([
      repo.media.framesOfTask(task.id),
      repo.annotations.loadJob(job.id),
      repo.history.load(job.id),
    ]);
    const objects: RecordMap<FrameObject> = {};
    for (const perFrame of annotations.frames.values()) Object.assign(objects, perFrame);
    let history: History<JobRecord>;
    let views: ViewRecord[] = [];
    try {
      const saved = savedHistory as SavedJobState | object | undefined;
      const json = saved && 'format' in saved && saved.format === 2 ? saved.history : saved;
      if (saved && 'format' in saved && saved.format === 2) views = saved.view;
      history = json
        ? History.fromJSON<JobRecord>({ ...(json as object), limit: JOB_HISTORY_LIMIT })
        : new History<JobRecord>({ limit: JOB_HISTORY_LIMIT });
    } catch (error) {
      console.warn('The saved undo history could not be read and was reset.', error);
      history = new History<JobRecord>({ limit: JOB_HISTORY_LIMIT });
    }
    return new JobSession(repo, {
      job,
      task,
      project,
      frames,
      objects,
      tracks: annotations.tracks,
      history,
      views,
    });
  }

  get labels(): LabelSpec[] {
    return this.project.labels;
  }

  /**
   * Shows the changes other tabs and other devices (through replication) make to this job
   * while it is open. The store is the truth once this session's own writes have landed: a
   * change that differs from what is shown marks its frame or track stale, and when no edit of
   * this session is being written the stale ones are read back and shown. This session's own
   * edits therefore never flicker back to an older state, and undo works as before (a change
   * from elsewhere is not an undo step). Returns the function that stops watching.
   */
  private follow(changes: Observable<JobChange>, missed: readonly JobChange[]): () => void {
    this.watching = true;
    const onChange = (change: JobChange) => {
      if (change.kind === 'frame') {
        if (this.frameShows(change.frame, change.objects)) return;
        this.staleFrames.add(change.frame);
      } else {
        const mine = this.trackRecords[change.id];
        if (change.track === null ? mine === undefined : mine !== undefined && sameRecord(mine, change.track))
          return;
        this.staleTracks.add(change.id);
      }
      void this.refreshStale();
    };
    const subscription = changes.subscribe(onChange);
    for (const change of missed) onChange(change);
    // Labels edited elsewhere (an owner adding a label mid-job) and the job's stage, state or
    // assignee set by someone else show without reopening the job.
    const projects = this.repo.projects.observe$().subscribe((list) => {
      const next = list.find((p) => p.id === this.project.id);
      if (next && next.updated_date !== this.project.updated_date) this.project = next;
    });
    const job = this.repo.jobs.observe$(this.job.id).subscribe((next) => {
      if (next && next.updated_date !== this.job.updated_date) this.job = next;
    });
    return () => {
      this.watching = false;
      subscription.unsubscribe();
      projects.unsubscribe();
      job.unsubscribe();
    };
  }

  /** Whether the session shows exactly these stored objects on `frame`. */
  private frameShows(frame: number, stored: Readonly<Record<Id, FrameObject>>): boolean {
    let shown = 0;
    for (const id of this.frameIndex.get(frame) ?? []) if (this.records[id]?.frame === frame) shown++;
    let count = 0;
    for (const [id, object] of Object.entries(stored)) {
      const mine = this.records[id];
      if (!mine || mine.frame !== frame || !sameRecord(mine, object)) return false;
      count++;
    }
    return count === shown;
  }

  /** Reads the stale frames and tracks back from the store once this session's writes are done. */
  private async refreshStale(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      while (this.watching && (this.staleFrames.size > 0 || this.staleTracks.size > 0)) {
        let writes: Promise<void>;
        do {
          writes = this.writes;
          await writes;
        } while (writes !== this.writes);
        const generation = this.writeGeneration;
        const frames = [...this.staleFrames];
        const trackIds = [...this.staleTracks];
        this.staleFrames.clear();
        this.staleTracks.clear();
        const [objects, tracks] = await Promise.all([
          Promise.all(frames.map((f) => this.repo.annotations.objectsOnFrame(this.job.id, f))),
          Promise.all(trackIds.map((id) => this.repo.annotations.getTrack(id))),
        ]);
        if (generation !== this.writeGeneration) {
          // An edit was made while reading: read again after it has landed.
          for (const f of frames) this.staleFrames.add(f);
          for (const id of trackIds) this.staleTracks.add(id);
          continue;
        }
        if (!this.watching) return;
        frames.forEach((frame, i) => this.showStoredFrame(frame, objects[i]!));
        trackIds.forEach((id, i) => this.showStoredTrack(id, tracks[i]));
        this.version++;
      }
    } catch (error) {
      console.error('The job could not be refreshed with changes made elsewhere:', error);
    } finally {
      this.refreshing = false;
    }
  }

  private showStoredFrame(frame: number, stored: FrameObject[]): void {
    // A local lookup, not state: `version` is what the view reacts to.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const keep = new Set(stored.map((o) => o.id));
    for (const id of [...(this.frameIndex.get(frame) ?? [])]) {
      const mine = this.records[id];
      if (mine?.frame === frame && !keep.has(id)) {
        this.unindex(mine);
        delete this.records[id];
      }
    }
    for (const object of stored) {
      const mine = this.records[object.id];
      if (mine && sameRecord(mine, object)) continue;
      if (mine) this.unindex(mine);
      this.records[object.id] = object;
      this.index(object);
    }
  }

  private showStoredTrack(id: Id, stored: Track | undefined): void {
    if (!stored) {
      delete this.trackRecords[id];
      this.trackIndex.delete(id);
      return;
    }
    const mine = this.trackRecords[id];
    if (mine && sameRecord(mine, stored)) return;
    this.trackRecords[id] = stored;
    this.trackIndex.set(stored);
  }

  get frameMeta(): FrameMeta | undefined {
    return this.frames[this.frame];
  }

  /** Every object of the job by id (reactive through `version`). */
  get objects(): Readonly<RecordMap<FrameObject>> {
    void this.version;
    return this.records;
  }

  /**
   * The objects of one frame, bottom to top: its shapes and tags, and the tracks seen on it as
   * shapes whose id is the track's (outside ones too when all tracks are shown).
   */
  objectsOn(frame: number): FrameObject[] {
    void this.version;
    const ids = this.frameIndex.get(frame);
    const list: FrameObject[] = [];
    if (ids)
      for (const id of ids) {
        const object = this.records[id];
        if (object && object.frame === frame) list.push(object);
      }
    if (this.showAllTracks) {
      for (const track of Object.values(this.trackRecords)) {
        const shape = trackShapeAt(track, frame);
        if (shape) list.push(shape);
      }
    } else {
      for (const resolved of this.trackIndex.resolveFrame(frame))
        list.push(shapeFromState(resolved.track, resolved.shape, frame));
    }
    return list.sort((a, b) => (a.kind === 'shape' ? a.z_order : 0) - (b.kind === 'shape' ? b.z_order : 0));
  }

  /** An object by id: a shape or tag, or a track as it is on the current frame. */
  get(id: Id): FrameObject | undefined {
    void this.version;
    const record = this.records[id];
    if (record) return record;
    const track = this.trackRecords[id];
    return track ? (trackShapeAt(track, this.frame) ?? undefined) : undefined;
  }

  /** Every track of the job (reactive through `version`). */
  get tracks(): readonly Track[] {
    void this.version;
    return Object.values(this.trackRecords);
  }

  isTrack(id: Id): boolean {
    return id in this.trackRecords;
  }

  /** A track's keyframe state on the current frame, or null for shapes and tags. */
  trackPosition(id: Id, frame = this.frame): TrackPosition | null {
    void this.version;
    const track = this.trackRecords[id];
    return track ? trackPosition(track, frame) : null;
  }

  private index(object: FrameObject): void {
    let ids = this.frameIndex.get(object.frame);
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    if (!ids) this.frameIndex.set(object.frame, (ids = new Set()));
    ids.add(object.id);
  }

  private unindex(object: FrameObject): void {
    this.frameIndex.get(object.frame)?.delete(object.id);
  }

  goTo(frame: number): void {
    this.frame = Math.min(this.job.stop_frame, Math.max(this.job.start_frame, Math.round(frame)));
  }

  /** Moves by `delta` frames, skipping deleted frames unless they are shown. */
  step(delta: number): void {
    const direction = Math.sign(delta) || 1;
    const target = Math.min(this.job.stop_frame, Math.max(this.job.start_frame, this.frame + delta));
    const visible = this.nearestVisible(target, direction) ?? this.nearestVisible(target, -direction);
    if (visible !== null) this.frame = visible;
  }

  isDeleted(frame: number): boolean {
    return this.deletedFrames.has(frame);
  }

  /** Deletes or restores a frame of the task (CVAT's frame deleting); annotations are kept. */
  async setFrameDeleted(frame: number, deleted: boolean): Promise<void> {
    if (deleted) this.deletedFrames.add(frame);
    else this.deletedFrames.delete(frame);
    const next = [...this.deletedFrames];
    this.saveState = 'saving';
    this.writes = this.writes
      .then(async () => {
        this.task = await this.repo.tasks.update(this.task.id, { deleted_frames: next });
        this.saveState = 'saved';
      })
      .catch((error: unknown) => {
        this.saveState = 'error';
        this.saveError = error instanceof Error ? error.message : String(error);
      });
    await this.writes;
  }

  private nearestVisible(from: number, direction: number): number | null {
    for (let f = from; f >= this.job.start_frame && f <= this.job.stop_frame; f += direction) {
      if (this.showDeleted || !this.deletedFrames.has(f)) return f;
    }
    return null;
  }

  /** Starts a track on the current frame (CVAT's "Track" button); returns its shape there. */
  drawTrack(geometry: DrawnGeometry, label: LabelSpec): FrameObject {
    const track = createTrack({
      geometry,
      frame: this.frame,
      label,
      jobId: this.job.id,
      z_order: this.topZ(this.frame) + 1,
    });
    this.commit(`Draw ${geometry.type} track`, {
      added: { [track.id]: { kind: 'track', ...track } },
      updated: {},
      removed: {},
    });
    return trackShapeAt(track, this.frame)!;
  }

  private replaceTracks(label: string, changes: { before?: Track; after?: Track }[]): void {
    const diff: Diff<JobRecord> = { added: {}, updated: {}, removed: {} };
    for (const { before, after } of changes) {
      if (before && after)
        diff.updated[after.id] = [
          { kind: 'track', ...before },
          { kind: 'track', ...after },
        ];
      else if (after) diff.added[after.id] = { kind: 'track', ...after };
      else if (before) diff.removed[before.id] = { kind: 'track', ...before };
    }
    this.commit(label, diff);
  }

  /** Adds a whole track made elsewhere (a tracker, an import) as one undo step. */
  addTrack(track: Track, label = 'Add track'): void {
    this.replaceTracks(label, [{ after: { ...track, job_id: this.job.id } }]);
  }

  /** Makes the current frame a keyframe of a track, or stops it being one (K). */
  toggleKeyframe(id: Id): void {
    const track = this.trackRecords[id];
    if (!track) return;
    const next = toggleKeyframe(track, this.frame);
    if (next !== track) this.replaceTracks('Switch keyframe', [{ before: track, after: next }]);
  }

  /** Marks a track outside from the current frame on, or back inside (O). */
  setOutside(id: Id, outside: boolean): void {
    const track = this.trackRecords[id];
    if (!track) return;
    this.replaceTracks(outside ? 'Set outside' : 'Set inside', [
      { before: track, after: setOutside(track, this.frame, outside) },
    ]);
  }

  /** Splits a track into two at the current frame; returns the new second track's id. */
  split(id: Id): Id | null {
    const track = this.trackRecords[id];
    if (!track) return null;
    const parts = splitTrack(track, this.frame);
    if (!parts) return null;
    this.replaceTracks('Split track', [{ before: track, after: parts[0] }, { after: parts[1] }]);
    return parts[1].id;
  }

  /**
   * Merges shapes and tracks (in the order given) into one track (CVAT's Merge). Throws a
   * message for the annotator when the objects can't be merged.
   */
  merge(ids: readonly Id[]): Id {
    const sources: MergeSource[] = [];
    const diff: Diff<JobRecord> = { added: {}, updated: {}, removed: {} };
    for (const id of ids) {
      const track = this.trackRecords[id];
      const record = this.records[id];
      if (track) {
        sources.push({ kind: 'track', track });
        diff.removed[id] = { kind: 'track', ...track };
      } else if (record?.kind === 'shape') {
        const { kind: _kind, ...shape } = record;
        sources.push({ kind: 'shape', shape: shape as Shape });
        diff.removed[id] = record;
      } else if (record) throw new Error('Tags can not be merged into a track.');
    }
    if (sources.length < 2) throw new Error('Select at least two shapes or tracks to merge.');
    const merged = mergeIntoTrack(sources, this.labels, this.job.id);
    diff.added[merged.id] = { kind: 'track', ...merged };
    for (const id of ids) {
      const view = this.views[`view:${id}`];
      if (view) diff.removed[view.id] = view;
    }
    this.commit('Merge into a track', diff);
    return merged.id;
  }

  /** Turns a shape into a track with one keyframe, keeping its id out of the way. */
  toTrack(id: Id): Id | null {
    const record = this.records[id];
    if (record?.kind !== 'shape') return null;
    const { kind: _kind, ...shape } = record;
    const track = trackFromShape(
      shape as Shape,
      this.labels.find((l) => l.id === shape.label_id),
      this.job.id,
    );
    this.commit('Convert to a track', {
      added: { [track.id]: { kind: 'track', ...track } },
      updated: {},
      removed: { [id]: record },
    });
    return track.id;
  }

  /**
   * CVAT's Propagate (Ctrl+B): copies of an object on the next (or previous) `count` frames,
   * skipping deleted ones; a track is copied as it is on the current frame. Returns the count made.
   */
  propagate(id: Id, count: number, direction: 1 | -1 = 1): number {
    const source = this.get(id);
    if (!source || count < 1) return 0;
    const added: Record<Id, FrameObject> = {};
    let made = 0;
    for (
      let f = this.frame + direction;
      made < count && f >= this.job.start_frame && f <= this.job.stop_frame;
      f += direction
    ) {
      if (this.deletedFrames.has(f)) continue;
      const copy: FrameObject =
        source.kind === 'shape'
          ? { ...source, id: newId(), frame: f, updated_date: now(), outside: false }
          : { ...source, id: newId(), frame: f, updated_date: now() };
      added[copy.id] = copy;
      made++;
    }
    if (made > 0)
      this.commit(`Propagate to ${made} frame${made === 1 ? '' : 's'}`, { added, updated: {}, removed: {} });
    return made;
  }

  /** Puts objects into one new group (G), or takes them out of their groups (Shift+G). */
  group(ids: readonly Id[], ungroup = false): number {
    let max = 0;
    for (const o of Object.values(this.records)) max = Math.max(max, o.group);
    for (const t of Object.values(this.trackRecords)) max = Math.max(max, t.group);
    const group = ungroup ? 0 : max + 1;
    this.transaction(ungroup ? 'Ungroup' : 'Group', () => {
      for (const id of ids) this.update(id, (o) => ({ ...o, group }) as FrameObject, 'Group');
    });
    return group;
  }

  drawRectangle(points: RectanglePoints, label: LabelSpec): FrameObject {
    return this.draw({ type: 'rectangle', points }, label);
  }

  /** Adds a shape drawn on the current frame (or on `frame`), on top of the others. */
  draw(geometry: DrawnGeometry, label: LabelSpec, frame = this.frame): FrameObject {
    const shape: FrameObject = {
      kind: 'shape',
      ...createShape({ ...geometry, frame, label, z_order: this.topZ(frame) + 1 }),
    };
    this.commit(`Draw ${geometry.type}`, { added: { [shape.id]: shape }, updated: {}, removed: {} });
    return shape;
  }

  /** Adds a frame-level tag. */
  addTag(label: LabelSpec): FrameObject {
    const tag: FrameObject = {
      kind: 'tag',
      id: newId(),
      updated_date: now(),
      author: '',
      frame: this.frame,
      label_id: label.id,
      group: 0,
      source: 'manual',
      attributes: defaultAttributeValues(label),
    };
    this.commit('Add tag', { added: { [tag.id]: tag }, updated: {}, removed: {} });
    return tag;
  }

  /** Remembers objects for pasting (CVAT's Ctrl+C). */
  copy(ids: readonly Id[]): void {
    this.clipboard = ids.map((id) => this.get(id)).filter((o): o is FrameObject => o !== undefined);
    this.clipboardTracks = ids.filter((id) => this.isTrack(id));
  }
  /** Which copied objects were tracks (they paste as new tracks). */
  private clipboardTracks: Id[] = [];

  get canPaste(): boolean {
    return this.clipboard.length > 0;
  }

  /** Pastes copies of the copied objects onto the current frame (CVAT's Ctrl+V); returns them. */
  paste(): FrameObject[] {
    let z = this.topZ(this.frame);
    const added: Record<Id, JobRecord> = {};
    const pasted: FrameObject[] = [];
    for (const source of this.clipboard) {
      if (source.kind === 'shape' && this.clipboardTracks.includes(source.id)) {
        // A copied track pastes as a new track starting here.
        const { kind: _kind, ...shape } = source;
        const track = trackFromShape(
          { ...(shape as Shape), frame: this.frame, z_order: ++z },
          this.labels.find((l) => l.id === source.label_id),
          this.job.id,
        );
        added[track.id] = { kind: 'track', ...track };
        pasted.push(trackShapeAt(track, this.frame)!);
        continue;
      }
      const copy: FrameObject =
        source.kind === 'shape'
          ? { ...source, id: newId(), frame: this.frame, updated_date: now(), z_order: ++z }
          : { ...source, id: newId(), frame: this.frame, updated_date: now() };
      added[copy.id] = copy;
      pasted.push(copy);
    }
    this.commit('Paste objects', { added, updated: {}, removed: {} });
    return pasted;
  }

  /** CVAT's z-order actions: to the front/back of the frame, or one step forward/backward. */
  reorder(id: Id, where: 'front' | 'back' | 'forward' | 'backward'): void {
    const object = this.get(id);
    if (!object || object.kind !== 'shape') return;
    const others = this.objectsOn(object.frame).filter(
      (o): o is Extract<FrameObject, { kind: 'shape' }> => o.kind === 'shape' && o.id !== id,
    );
    const zs = others.map((o) => o.z_order);
    const max = zs.length ? Math.max(...zs) : object.z_order;
    const min = zs.length ? Math.min(...zs) : object.z_order;
    const z =
      where === 'front'
        ? max + 1
        : where === 'back'
          ? min - 1
          : where === 'forward'
            ? object.z_order + 1
            : object.z_order - 1;
    if (z === object.z_order) return;
    this.update(
      id,
      (o) => ({ ...o, z_order: z }) as FrameObject,
      where === 'front' || where === 'forward' ? 'Bring forward' : 'Send backward',
    );
  }

  private topZ(frame: number): number {
    return this.objectsOn(frame).reduce(
      (max, o) => (o.kind === 'shape' ? Math.max(max, o.z_order) : max),
      -1,
    );
  }

  update(id: Id, patch: (o: FrameObject) => FrameObject, label: string): void {
    const track = this.trackRecords[id];
    if (track) {
      const shape = trackShapeAt(track, this.frame);
      if (!shape) return;
      const after = patch(shape);
      if (after.kind !== 'shape') return;
      const next = applyTrackEdit(track, this.frame, shape, after, this.labels);
      this.replaceTracks(label, [{ before: track, after: next }]);
      return;
    }
    const before = this.objects[id];
    if (!before) return;
    const after = { ...patch(before), updated_date: now() };
    this.commit(label, { added: {}, updated: { [id]: [before, after] }, removed: {} });
  }

  remove(id: Id): void {
    const track = this.trackRecords[id];
    const before: JobRecord | undefined =
      this.objects[id] ?? (track ? { kind: 'track', ...track } : undefined);
    if (!before) return;
    const removed: Record<string, JobRecord> = { [id]: before };
    const view = this.views[`view:${id}`];
    if (view) removed[view.id] = view;
    this.commit('Delete object', { added: {}, updated: {}, removed });
  }

  /** Runs several changes as one undo step. */
  transaction(label: string, changes: () => void): void {
    this.history.beginBatch(label);
    try {
      changes();
    } finally {
      this.history.endBatch();
      this.syncHistoryState();
    }
  }

  undo(): void {
    const diff = this.history.undo();
    if (diff) this.apply(restamped(diff));
  }

  redo(): void {
    const diff = this.history.redo();
    if (diff) this.apply(restamped(diff));
  }

  /** Resolves when everything committed so far is in IndexedDB. */
  flush(): Promise<void> {
    return this.writes;
  }

  /**
   * Hides, locks or pins objects (or the reverse) as one undoable step. Locked objects can't be
   * edited, pinned ones can't be moved, hidden ones aren't drawn.
   */
  setView(ids: readonly Id[], flag: ViewFlag, on: boolean, label?: string): void {
    const diff: Diff<JobRecord> = { added: {}, updated: {}, removed: {} };
    for (const object of ids) {
      if (!this.records[object] && !this.trackRecords[object]) continue;
      const id = `view:${object}` as const;
      const before = this.views[id];
      if ((before?.[flag] ?? false) === on) continue;
      const after: ViewRecord = {
        ...(before ?? { id, kind: 'view', object, hidden: false, locked: false, pinned: false }),
        [flag]: on,
      };
      const empty = !after.hidden && !after.locked && !after.pinned;
      if (!before) diff.added[id] = after;
      else if (empty) diff.removed[id] = before;
      else diff.updated[id] = [before, after];
    }
    const names = {
      hidden: on ? 'Hide' : 'Show',
      locked: on ? 'Lock' : 'Unlock',
      pinned: on ? 'Pin' : 'Unpin',
    };
    this.commit(label ?? `${names[flag]} object${ids.length === 1 ? '' : 's'}`, diff);
  }

  toggleView(id: Id, flag: ViewFlag): void {
    this.setView([id], flag, !this[flag].has(id));
  }

  private commit(label: string, diff: Diff<JobRecord>): void {
    if (!this.history.record(createEntry(label, diff))) return;
    this.apply(diff);
  }

  private setViewRecord(id: string, view: ViewRecord | undefined): void {
    const previous = this.views[id];
    if (previous)
      for (const flag of ['hidden', 'locked', 'pinned'] as const) this[flag].delete(previous.object);
    if (!view) {
      delete this.views[id];
      return;
    }
    this.views[id] = view;
    for (const flag of ['hidden', 'locked', 'pinned'] as const) if (view[flag]) this[flag].add(view.object);
  }

  private apply(diff: Diff<JobRecord>): void {
    const { objects, views, tracks } = splitDiff(diff);
    for (const id of Object.keys(tracks.removed)) {
      delete this.trackRecords[id];
      this.trackIndex.delete(id);
    }
    for (const [id, [, after]] of Object.entries(tracks.updated)) {
      const track = trackOf(after);
      this.trackRecords[id] = track;
      this.trackIndex.set(track);
    }
    for (const [id, record] of Object.entries(tracks.added)) {
      const track = trackOf(record);
      this.trackRecords[id] = track;
      this.trackIndex.set(track);
    }
    // The shown record is unindexed rather than the diff's: a change from elsewhere may have
    // replaced it since the diff was recorded.
    for (const [id, object] of Object.entries(objects.removed)) {
      this.unindex(this.records[id] ?? object);
      delete this.records[id];
    }
    for (const [id, [before, after]] of Object.entries(objects.updated)) {
      this.unindex(this.records[id] ?? before);
      this.records[id] = after;
      this.index(after);
    }
    for (const [id, object] of Object.entries(objects.added)) {
      this.records[id] = object;
      this.index(object);
    }
    for (const id of Object.keys(views.removed)) this.setViewRecord(id, undefined);
    for (const [id, [, after]] of Object.entries(views.updated)) this.setViewRecord(id, after);
    for (const [id, view] of Object.entries(views.added)) this.setViewRecord(id, view);
    this.version++;
    this.syncHistoryState();
    const saved: SavedJobState = {
      format: 2,
      history: this.history.toJSON(),
      view: Object.values(this.views),
    };
    const hasObjects =
      Object.keys(objects.added).length +
        Object.keys(objects.updated).length +
        Object.keys(objects.removed).length >
      0;
    this.saveState = 'saving';
    // Writes are chained so they land in the order the edits were made.
    const putTracks = [
      ...Object.values(tracks.added),
      ...Object.values(tracks.updated).map(([, a]) => a),
    ].map(trackOf);
    const removedTracks = Object.keys(tracks.removed);
    this.writeGeneration++;
    this.writes = this.writes
      .then(() => (hasObjects ? this.repo.annotations.applyDiff(this.job.id, objects) : undefined))
      .then(() => (putTracks.length > 0 ? this.repo.annotations.putTracks(putTracks) : undefined))
      .then(() => (removedTracks.length > 0 ? this.repo.annotations.removeTracks(removedTracks) : undefined))
      .then(() => this.repo.history.save(this.job.id, saved))
      .then(() => {
        this.saveState = 'saved';
        this.saveError = '';
      })
      .catch((error: unknown) => {
        this.saveState = 'error';
        this.saveError = error instanceof Error ? error.message : String(error);
      });
  }

  private syncHistoryState(): void {
    this.canUndo = this.history.canUndo();
    this.canRedo = this.history.canRedo();
    this.undoLabel = this.history.peekUndo()?.label ?? '';
    this.redoLabel = this.history.peekRedo()?.label ?? '';
  }
}

/** Same content, ignoring the store's own fields (`_rev`, `_meta`, `_deleted`, ...). */
function sameRecord(a: object, b: object): boolean {
  if (a === b) return true;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let n = 0;
  for (const key of Object.keys(y)) {
    if (key.startsWith('_') || y[key] === undefined) continue;
    if (!deepEqual(x[key], y[key])) return false;
    n++;
  }
  let m = 0;
  for (const key of Object.keys(x)) if (!key.startsWith('_') && x[key] !== undefined) m++;
  return n === m;
}

/**
 * An undo or redo is a new edit: the states it brings back carry the time it was made, so that
 * sync treats them as the latest version (a true collision goes to the last writer) rather
 * than as the older edit they copy. View records carry no time.
 */
function restamped(diff: Diff<JobRecord>): Diff<JobRecord> {
  const stamp = now();
  const fresh = (r: JobRecord): JobRecord => (isView(r) ? r : { ...r, updated_date: stamp });
  return {
    added: Object.fromEntries(Object.entries(diff.added).map(([id, r]) => [id, fresh(r)])),
    updated: Object.fromEntries(
      Object.entries(diff.updated).map(([id, [before, after]]) => [id, [before, fresh(after)]]),
    ),
    removed: diff.removed,
  };
}
