/**
 * The organizations of the signed-in account, cached in localStorage so that the workspace
 * switcher and replication work offline; refreshed from the server whenever it is reachable.
 */
import * as v from 'valibot';
import { ROLES, type OrgSummary } from './api';
import { api, currentSession } from './session';

const KEY = 'loupe.orgs';

const CacheSchema = v.object({
  user: v.string(),
  orgs: v.array(
    v.object({
      id: v.string(),
      name: v.string(),
      role: v.picklist(ROLES),
      databases: v.record(v.string(), v.string()),
    }),
  ),
});

type Listener = (orgs: OrgSummary[]) => void;
const listeners = new Set<Listener>();

/** The organizations last seen for the signed-in account (empty when signed out). */
export function knownOrgs(): OrgSummary[] {
  const user = currentSession()?.user.name;
  if (!user || typeof localStorage === 'undefined') return [];
  try {
    const parsed = v.safeParse(CacheSchema, JSON.parse(localStorage.getItem(KEY) ?? 'null'));
    return parsed.success && parsed.output.user === user ? parsed.output.orgs : [];
  } catch {
    return [];
  }
}

export function knownOrg(id: string): OrgSummary | undefined {
  return knownOrgs().find((org) => org.id === id);
}

/** Remembers `orgs` as the account's organizations and tells the listeners. */
export function rememberOrgs(orgs: OrgSummary[]): void {
  const user = currentSession()?.user.name;
  if (!user || typeof localStorage === 'undefined') return;
  localStorage.setItem(KEY, JSON.stringify({ user, orgs }));
  for (const listener of listeners) listener(orgs);
}

/** Asks the server for the account's organizations; keeps the cache when offline. */
export async function refreshOrgs(): Promise<OrgSummary[]> {
  if (!currentSession()) return [];
  const { orgs } = await api.orgs();
  rememberOrgs(orgs);
  return orgs;
}

export function onOrgsChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
