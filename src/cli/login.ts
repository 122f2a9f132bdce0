/**
 * `longrun login --url URL --key KEY` checks the key against the server and keeps both in the
 * profile (profile.ts, mode 0600) for the remote commands; `longrun logout` removes it.
 */
import type { Command } from 'commander';
import { LongrunClient } from '../client/index.ts';
import { EXIT } from './exit-codes.ts';
import { DEFAULT_URL, profilePath, removeProfile, writeProfile } from './profile.ts';
import { run } from './remote.ts';

function checkUrl(raw: string, cmd: Command): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return cmd.error(`error: --url is not a URL: ${raw}`, { exitCode: EXIT.usage });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    cmd.error(`error: --url must be http:// or https://, got ${raw}`, { exitCode: EXIT.usage });
  return raw.replace(/\/+$/, '');
}

export function registerLogin(program: Command): void {
  program
    .command('login')
    .description('check a server URL and API key, and keep them for the jobs commands')
    .option('--url <url>', `server URL (env LONGRUN_URL, default ${DEFAULT_URL})`)
    .option('--key <key>', 'API key (env LONGRUN_KEY)')
    .action(
      run(async (o: { url?: string; key?: string }, cmd: Command) => {
        const url = checkUrl(o.url || process.env.LONGRUN_URL || DEFAULT_URL, cmd);
        const key = o.key || process.env.LONGRUN_KEY;
        if (!key) cmd.error('error: an API key is required: --key or LONGRUN_KEY', { exitCode: EXIT.usage });
        // Any read answers 401 for a bad key; one job is the cheapest read a read-scope key may make.
        await new LongrunClient({ url, key }).listJobs({ limit: 1 });
        const file = writeProfile({ url, key });
        console.log(`logged in to ${url} (profile ${file})`);
      }),
    );

  program
    .command('logout')
    .description('remove the profile that login wrote')
    .action(() => {
      const file = profilePath();
      console.log(removeProfile() ? `removed ${file}` : `not logged in (no ${file})`);
    });
}
