/**
 * The workspace the app is working in, opened once per page. For now that is the personal,
 * local-only workspace; organisation workspaces replicate through the sync server.
 */
import { createRepository, openWorkspace, type Repository } from '$lib/store';

export const PERSONAL_WORKSPACE = 'personal';

let opening: Promise<Repository> | null = null;

export function repository(): Promise<Repository> {
  opening ??= openWorkspace(PERSONAL_WORKSPACE).then((ws) => createRepository(ws));
  return opening;
}
