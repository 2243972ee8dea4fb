/**
 * The JSON files of a task or project backup, in CVAT's layout:
 *
 * ```
 * project.json                  project backups only
 * task_<n>/task.json            (task backups: task.json at the root)
 * task_<n>/annotations.json     one entry per job: {version, tags, shapes, tracks}
 * task_<n>/data/<media>         the original files
 * task_<n>/data/manifest.jsonl  CVAT's dataset manifest
 * ```
 *
 * Annotations name labels and attributes instead of using ids (`label`, `spec_id` = attribute
 * name), as CVAT's backups do. What CVAT has no field for (job stage and assignee, per-frame
 * timestamps, per-object colour, author and edit time) is kept in `loupe` blocks and extra object
 * keys, which CVAT ignores; a backup made by CVAT has none of them and restores with defaults.
 */
import type {
  FrameMeta,
  JobStage,
  JobState,
  JobType,
  SortingMethod,
  Source,
  TaskMode,
} from '../../core/types';
import type { RawLabel } from '../../core/labelsRaw';

export const BACKUP_VERSION = '1.0';

export interface BackupAttribute {
  /** The attribute's name (CVAT writes the name here, not an id). */
  spec_id: string;
  value: string;
}

export interface BackupObjectExtras {
  author?: string;
  updated_date?: string;
  color?: string;
}

export interface BackupShape extends BackupObjectExtras {
  type: string;
  occluded: boolean;
  outside: boolean;
  z_order: number;
  rotation: number;
  points: number[];
  frame: number;
  group: number;
  source: Source | string;
  attributes: BackupAttribute[];
  elements: BackupShape[];
  label: string;
}

export interface BackupTag extends BackupObjectExtras {
  frame: number;
  group: number;
  source: Source | string;
  attributes: BackupAttribute[];
  label: string;
}

export interface BackupTrackedShape {
  type: string;
  occluded: boolean;
  outside: boolean;
  z_order: number;
  rotation: number;
  points: number[];
  frame: number;
  attributes: BackupAttribute[];
}

export interface BackupTrack extends BackupObjectExtras {
  frame: number;
  group: number;
  source: Source | string;
  attributes: BackupAttribute[];
  shapes: BackupTrackedShape[];
  elements: BackupTrack[];
  label: string;
}

export interface BackupJobAnnotations {
  version: number;
  tags: BackupTag[];
  shapes: BackupShape[];
  tracks: BackupTrack[];
}

export interface BackupJob {
  start_frame: number;
  stop_frame: number;
  status: string;
  type?: JobType;
  stage?: JobStage;
  state?: JobState;
  assignee?: string | null;
}

export interface BackupTaskJson {
  name: string;
  bug_tracker: string;
  status: string;
  labels: RawLabel[];
  subset: string;
  version: string;
  mode?: TaskMode;
  dimension?: '2d' | '3d';
  segment_size?: number;
  overlap?: number;
  data: {
    chunk_size: number;
    image_quality: number;
    start_frame: number;
    stop_frame: number;
    frame_filter?: string;
    storage_method: string;
    storage: string;
    sorting_method: SortingMethod | string;
    chunk_type: string;
    deleted_frames: number[];
  };
  jobs: BackupJob[];
  /** Loupe's own fields; absent in CVAT backups. */
  loupe?: {
    version: 1;
    owner: string;
    fps?: number;
    /**
     * Every frame as stored, without the blob hash; `file` is its path under `data/`, and
     * `relatedFiles` the paths of its context images there (`related_images/<file>_<ext>/…`).
     */
    frames: (Omit<FrameMeta, 'blob'> & { file: string; relatedFiles?: string[] })[];
  };
}

export interface BackupProjectJson {
  name: string;
  bug_tracker: string;
  status: string;
  labels: RawLabel[];
  version: string;
  loupe?: { version: 1; owner: string };
}
