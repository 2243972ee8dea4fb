/**
 * The signed-in account on this device: its bearer token in localStorage (shared by every tab
 * of the origin), with listeners told of sign-in, sign-out and token changes in any tab.
 * Signing out keeps every local document: only the token goes.
 */
import * as v from 'valibot';
import { ApiError, createApi, type SessionAnswer, type User } from './api';

const KEY = 'loupe.session';

const SessionSchema = v.object({
  token: v.string(),
  expiresAt: v.string(),
  user: v.object({ name: v.string(), admin: v.boolean() }),
});
export type Session = v.InferOutput<typeof SessionSchema>;

type Listener = (session: Session | null) => void;
const listeners = new Set<Listener>();
let cached: Session | null | undefined;

function storage(): Storage | undefined {
  return typeof localStorage === 'undefined' ? undefined : localStorage;
}

function read(): Session | null {
  const raw = storage()?.getItem(KEY);
  if (!raw) return null;
  try {
    const parsed = v.safeParse(SessionSchema, JSON.parse(raw));
    return parsed.success ? parsed.output : null;
  } catch {
    return null;
  }
}

export function currentSession(): Session | null {
  cached ??= read();
  if (cached && Date.parse(cached.expiresAt) <= Date.now()) return null;
  return cached;
}

export function currentUser(): User | null {
  return currentSession()?.user ?? null;
}

function setSession(session: Session | null): void {
  cached = session;
  if (session) storage()?.setItem(KEY, JSON.stringify(session));
  else storage()?.removeItem(KEY);
  for (const listener of listeners) listener(session);
}

/** Calls `listener` on every change of the session, in this tab or another one. */
export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

if (typeof window !== 'undefined') {
  window.addEventListener('storage', (event) => {
    if (event.key !== KEY) return;
    cached = read();
    for (const listener of listeners) listener(cached);
  });
}

/** The API, authorised with the current session's token. */
export const api = createApi({ token: () => currentSession()?.token ?? null });

function adopt(answer: SessionAnswer): Session {
  const session = { token: answer.token, expiresAt: answer.expiresAt, user: answer.user };
  setSession(session);
  return session;
}

export async function signIn(username: string, password: string): Promise<Session> {
  return adopt(await api.login(username, password));
}

export async function register(username: string, password: string): Promise<Session> {
  return adopt(await api.register(username, password));
}

export async function changePassword(currentPassword: string, newPassword: string): Promise<Session> {
  // Every other token of the account is revoked; this device keeps working with the new one.
  return adopt(await api.changePassword(currentPassword, newPassword));
}

/**
 * Signs out: the server revokes the token (when reachable) and this device forgets it.
 * Local documents stay; they replicate again after the next sign-in.
 */
export async function signOut(): Promise<void> {
  try {
    await api.logout();
  } catch (error) {
    // Offline or already revoked: forgetting the token locally is what matters.
    if (!(error instanceof ApiError)) throw error;
  } finally {
    setSession(null);
  }
}
