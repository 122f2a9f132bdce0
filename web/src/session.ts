/** Who is signed in: `undefined` while the first check runs, `null` when nobody is. */
import { computed, signal } from '@preact/signals';
import { currentSession, type Session, setUnauthorizedHandler, signIn, signOut } from './api.ts';

export const session = signal<Session | null | undefined>(undefined);

/** Create and cancel need `write`; `admin` may do everything. */
export const canWrite = computed(() => session.value?.scope === 'write' || session.value?.scope === 'admin');
export const isAdmin = computed(() => session.value?.scope === 'admin');

setUnauthorizedHandler(() => {
  session.value = null;
});

export async function checkSession(): Promise<void> {
  try {
    session.value = await currentSession();
  } catch {
    session.value = null;
  }
}

export async function login(key: string): Promise<void> {
  session.value = await signIn(key);
}

export async function logout(): Promise<void> {
  try {
    await signOut();
  } finally {
    session.value = null;
  }
}
