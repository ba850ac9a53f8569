import { createContext, useContext } from 'react';
import { createApi, type Api } from './api';

export type Role = 'coop' | 'treasurer' | 'auditor' | 'admin';

export interface Session {
  apiKey: string;
  keyId: string;
  role: Role;
  coopId: string;
}

const STORAGE = 'kopfed.console.session';

/** The key stays in this tab only (sessionStorage): closing the tab signs out. */
export function storedSession(): Session | null {
  const text = sessionStorage.getItem(STORAGE);
  if (!text) return null;
  try {
    return JSON.parse(text) as Session;
  } catch {
    return null;
  }
}

export function storeSession(session: Session | null): void {
  if (session) sessionStorage.setItem(STORAGE, JSON.stringify(session));
  else sessionStorage.removeItem(STORAGE);
}

/** Signs in by asking the access service who the key belongs to. */
export async function signIn(apiKey: string): Promise<Session> {
  const me = await createApi(apiKey).get<{ keyId: string; role: Role; coopId: string }>(
    '/api/access/v1/me',
  );
  return { apiKey, ...me };
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('this screen needs a signed-in session');
  return session;
}

export function useApi(): Api {
  return createApi(useSession().apiKey);
}
