/**
 * Task creation from what the user gave: images (files, folders, archives, URLs, manifests,
 * context images, point clouds) become one task; videos become one task each, or one task when
 * there is a single video. All-or-nothing per task: a task whose data can't be made stores nothing.
 */
import { formatFrameFilter } from '$lib/core/frames';
import { selectFrames } from '$lib/core/frameRange';
import { taskNamesFor } from '$lib/core/taskNames';
import type { FrameMeta, Id, SortingMethod, Task } from '$lib/core/types';
import {
  checkSpaceFor,
  discardIngested,
  ingest,
  type IngestInput,
  type IngestIssue,
} from '$lib/media/ingest';
import { ingestVideo } from '$lib/media/video';
import type { Repository } from '$lib/store';

export interface TaskOptions {
  /** A name, or a template with `{{index}}` and `{{file_name}}` for several videos. */
  name: string;
  sorting: SortingMethod;
  seed?: number;
  startFrame: number;
  /** Inclusive; undefined means the last frame. */
  stopFrame?: number;
  frameStep: number;
  segmentSize: number;
  /** Undefined means CVAT's default for the mode (5 for video, 0 for images). */
  overlap?: number;
  imageQuality: number;
  subset: string;
}

export interface CreationProgress {
  /** What is happening, for people: "Expanding archive.zip", "Converting clip.avi". */
  label: string;
  done: number;
  total: number;
}

export interface CreationResult {
  tasks: Task[];
  skipped: IngestIssue[];
  /** Videos whose task could not be made, with the reason; the other tasks were still created. */
  failed: IngestIssue[];
}

const STAGE_LABELS: Record<string, string> = {
  expanding: 'Expanding',
  reading: 'Reading',
  hashing: 'Storing',
  thumbnails: 'Making thumbnails for',
  pointclouds: 'Reading point cloud',
  probe: 'Reading',
  convert: 'Converting',
  store: 'Storing frames of',
};

function describeStage(stage: string, file?: string): string {
  const verb = STAGE_LABELS[stage] ?? stage;
  return file ? `${verb} ${file}` : verb;
}

function applyRange(frames: readonly FrameMeta[], options: TaskOptions): FrameMeta[] {
  const range = selectFrames(frames.length, {
    start: options.startFrame,
    stop: options.stopFrame,
    step: options.frameStep,
  });
  if (!range.ok) throw new Error(range.message);
  return range.indices.map((i) => frames[i]!);
}

function fileBytes(inputs: readonly IngestInput[]): number {
  return inputs.reduce((sum, input) => sum + (input instanceof File ? input.size : 0), 0);
}

export async function createTasks(
  repo: Repository,
  projectId: Id,
  inputs: readonly IngestInput[],
  options: TaskOptions,
  onProgress: (p: CreationProgress) => void,
  signal: AbortSignal,
): Promise<CreationResult> {
  // Refuse early when the given files alone would not fit; ingest checks again with exact sizes.
  await checkSpaceFor(fileBytes(inputs));
  const images = await ingest([...inputs], {
    sorting: options.sorting,
    seed: options.seed,
    thumbnailQuality: options.imageQuality / 100,
    signal,
    // Progress callbacks cross into workers: they must return nothing.
    onProgress: (p) =>
      void onProgress({ label: describeStage(p.stage, p.file), done: p.done, total: p.total }),
  });
  const skipped = [...images.skipped];
  const tasks: Task[] = [];
  const failed: IngestIssue[] = [];

  if (images.frames.length > 0 && images.videos.length > 0) {
    await discardIngested(images);
    const names = images.videos.map((v) => v.name).join(', ');
    throw new Error(
      `A task holds either images or videos, not both: remove ${names} or the images, or create the video tasks separately.`,
    );
  }

  if (images.frames.length > 0) {
    try {
      const frames = applyRange(images.frames, options).map((frame) => {
        const related = images.related[frame.name];
        return related ? { ...frame, related } : frame;
      });
      const { task } = await repo.tasks.create({
        project_id: projectId,
        name: options.name.trim() || 'Untitled task',
        frames,
        segment_size: options.segmentSize,
        overlap: options.overlap,
        mode: 'annotation',
        dimension: images.dimension,
        subset: options.subset,
        image_quality: options.imageQuality,
        sorting_method: options.sorting,
        frame_filter: options.frameStep > 1 ? formatFrameFilter(options.frameStep) : '',
        start_frame: options.startFrame,
        stop_frame: options.startFrame + (frames.length - 1) * options.frameStep,
      });
      tasks.push(task);
    } catch (error) {
      await discardIngested(images);
      throw error;
    }
    return { tasks, skipped, failed };
  }

  const names = taskNamesFor(
    options.name,
    images.videos.map((v) => v.name),
  );
  for (const [index, video] of images.videos.entries()) {
    signal.throwIfAborted();
    try {
      const result = await ingestVideo(video, {
        signal,
        startFrame: options.startFrame,
        stopFrame: options.stopFrame,
        step: options.frameStep,
        onProgress: (p) =>
          void onProgress({
            label: `${describeStage(p.stage, video.name)} (${index + 1}/${images.videos.length})`,
            done: p.done,
            total: p.total,
          }),
      });
      if (result.frames.length === 0) throw new Error('the chosen start, stop and step keep no frame');
      const { task } = await repo.tasks.create({
        project_id: projectId,
        name: names[index] ?? video.name,
        frames: result.frames,
        segment_size: options.segmentSize,
        overlap: options.overlap,
        mode: 'interpolation',
        dimension: '2d',
        subset: options.subset,
        image_quality: options.imageQuality,
        // Sorting does not apply to video (CVAT ignores it too): frames stay in presentation order.
        sorting_method: 'predefined',
        frame_filter: options.frameStep > 1 ? formatFrameFilter(options.frameStep) : '',
        start_frame: options.startFrame,
        stop_frame: options.startFrame + (result.frames.length - 1) * options.frameStep,
        fps: result.info.fps > 0 ? result.info.fps / options.frameStep : undefined,
      });
      tasks.push(task);
      const storeError = await result.stored;
      if (storeError) {
        failed.push({
          name: video.name,
          reason: `the task was created but the video could not be saved on this device (${storeError.message}); it will be missing after a reload`,
        });
      }
    } catch (error) {
      if (signal.aborted) throw error;
      failed.push({ name: video.name, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  if (tasks.length === 0 && failed.length > 0) {
    throw new Error(failed.map((f) => `${f.name}: ${f.reason}`).join('\n'));
  }
  return { tasks, skipped, failed };
}
