/**
 * The workspace the app is working in, opened once per page. The personal workspace is local
 * only; an organization workspace (chosen in the switcher) replicates through the sync server.
 * Switching reloads the app, so that every page reads the newly chosen workspace.
 */
import { createRepository, openWorkspace, type Repository } from '$lib/store';

export const PERSONAL_WORKSPACE = 'personal';

const KEY = 'loupe.workspace';

/** The chosen workspace id: `personal`, or an organization id. */
export function currentWorkspaceId(): string {
  const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem(KEY);
  return stored && /^[0-9a-z]{1,64}$/.test(stored) ? stored : PERSONAL_WORKSPACE;
}

/** Chooses a workspace and reopens the app in it (its project list). */
export function selectWorkspace(id: string, path = '/'): void {
  if (id === PERSONAL_WORKSPACE) localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, id);
  location.assign(path);
}

let opening: Promise<Repository> | null = null;

export function repository(): Promise<Repository> {
  opening ??= openWorkspace(currentWorkspaceId()).then((ws) => {
    // Replication code loads only for organization workspaces, keeping it out of the app shell.
    if (ws.id !== PERSONAL_WORKSPACE) {
      void import('$lib/sync/connection').then(({ connectWorkspace }) => connectWorkspace(ws));
    }
    return createRepository(ws);
  });
  return opening;
}
