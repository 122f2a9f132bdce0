/**
 * The profile `longrun login` writes: one server URL and its API key, in
 * `$LONGRUN_CONFIG_DIR/config.json`, else `$XDG_CONFIG_HOME/longrun/config.json`, else
 * `~/.config/longrun/config.json`, with mode 0600 (the key is a secret).
 *
 * Remote commands resolve each setting as flag > environment > profile > default. The profile's
 * key is sent only to the profile's URL: `--url` naming another server never receives it.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const DEFAULT_URL = 'http://localhost:3000';

export interface Profile {
  url: string;
  key: string;
}

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LONGRUN_CONFIG_DIR) return env.LONGRUN_CONFIG_DIR;
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'longrun');
}

export function profilePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'config.json');
}

export class ProfileError extends Error {}

export function readProfile(env: NodeJS.ProcessEnv = process.env): Profile | null {
  const file = profilePath(env);
  if (!existsSync(file)) return null;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ProfileError(`profile ${file}: ${(err as Error).message}; run longrun login again`);
  }
  const p = data as Partial<Profile> | null;
  if (typeof p?.url !== 'string' || typeof p.key !== 'string')
    throw new ProfileError(`profile ${file} has no url and key; run longrun login again`);
  return { url: p.url, key: p.key };
}

/** Written to a temporary file created 0600 and renamed, so the key is never readable by others. */
export function writeProfile(profile: Profile, env: NodeJS.ProcessEnv = process.env): string {
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = profilePath(env);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(profile, null, 2)}\n`, { mode: 0o600 });
  // The umask may have narrowed the mode further; it may never have widened it, but be exact.
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return file;
}

/** True when there was a profile to remove. */
export function removeProfile(env: NodeJS.ProcessEnv = process.env): boolean {
  const file = profilePath(env);
  if (!existsSync(file)) return false;
  rmSync(file);
  return true;
}

function normalizeUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

/** URL and key for a remote command; `key` is undefined when no source has one for that URL. */
export function resolveConnection(
  flags: { url?: string; key?: string },
  env: NodeJS.ProcessEnv = process.env,
  profile: Profile | null = readProfile(env),
): { url: string; key: string | undefined } {
  const url = flags.url || env.LONGRUN_URL || profile?.url || DEFAULT_URL;
  const fromProfile = profile && normalizeUrl(profile.url) === normalizeUrl(url) ? profile.key : undefined;
  return { url, key: flags.key || env.LONGRUN_KEY || fromProfile };
}
