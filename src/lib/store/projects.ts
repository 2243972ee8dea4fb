import { map, type Observable } from 'rxjs';
import { newId, now } from '../core/ids';
import type { Id, LabelSpec, Project } from '../core/types';
import type { WorkspaceDatabase } from './database';
import { guardQuota, NotFoundError } from './errors';

export interface NewProject {
  name: string;
  labels?: LabelSpec[];
  bug_tracker?: string;
  owner?: string;
}

export type ProjectPatch = Partial<Omit<Project, 'id' | 'created_date' | 'updated_date'>>;

export interface ProjectStore {
  create(input: NewProject): Promise<Project>;
  update(id: Id, patch: ProjectPatch): Promise<Project>;
  get(id: Id): Promise<Project | undefined>;
  /** In creation order. */
  list(): Promise<Project[]>;
  /** Emits the project list now and after every change. */
  observe$(): Observable<Project[]>;
}

export function createProjectStore(db: WorkspaceDatabase): ProjectStore {
  return {
    async create(input) {
      const date = now();
      const project: Project = {
        id: newId(),
        name: input.name,
        labels: input.labels ?? [],
        bug_tracker: input.bug_tracker ?? '',
        owner: input.owner ?? '',
        created_date: date,
        updated_date: date,
      };
      await guardQuota(() => db.project.insert(project));
      return project;
    },
    async update(id, patch) {
      const doc = await db.project.findOne(id).exec();
      if (!doc) throw new NotFoundError('Project', id);
      const updated = await guardQuota(() =>
        doc.incrementalModify((data) => ({ ...data, ...patch, id, updated_date: now() })),
      );
      return updated.toMutableJSON();
    },
    async get(id) {
      return (await db.project.findOne(id).exec())?.toMutableJSON();
    },
    async list() {
      return (await db.project.find().exec()).map((doc) => doc.toMutableJSON());
    },
    observe$() {
      return db.project.find().$.pipe(map((docs) => docs.map((doc) => doc.toMutableJSON())));
    },
  };
}
