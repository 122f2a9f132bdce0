/**
 * `longrun webhooks list|create|get|delete|rotate-secret|deliveries`: completion webhooks of the
 * key's workspace over the public API (admin key), through the typed client only. URL and key as
 * for `longrun jobs`.
 *
 * ```sh
 * longrun webhooks create https://example.com/hook --events job.failed,job.cancelled --category sync
 * ```
 */
import type { Command } from 'commander';
import type { Webhook, WebhookDelivery, WebhookEvent, WebhookWithSecret } from '../client/index.ts';
import { time } from './output.ts';
import { client, run } from './remote.ts';

const list = (raw: string | undefined) => (raw ? raw.split(',').filter(Boolean) : undefined);

function printWebhook(w: Webhook): void {
  console.log(`id          ${w.id}`);
  console.log(`url         ${w.url}`);
  console.log(`events      ${w.events.join(', ')}`);
  console.log(`types       ${w.types?.join(', ') ?? 'all'}`);
  console.log(`categories  ${w.categories?.join(', ') ?? 'all'}`);
  console.log(`created     ${time(w.createdAt)}`);
  if (w.previousSecretExpiresAt !== null)
    console.log(`old secret  still signs until ${time(w.previousSecretExpiresAt)}`);
}

/** The secret on stdout alone (for scripts), what it is on stderr. */
function printSecret(w: WebhookWithSecret, json: boolean | undefined, what: string): void {
  if (json) {
    console.log(JSON.stringify(w, null, 2));
    return;
  }
  console.error(`${what} webhook ${w.id} (${w.url}); its signing secret is shown only now:`);
  console.log(w.secret);
}

function deliveryLine(d: WebhookDelivery): string {
  return [
    String(d.id).padEnd(8),
    d.event.padEnd(14),
    d.status.padEnd(9),
    String(d.attempts).padEnd(8),
    String(d.lastStatusCode ?? '-').padEnd(5),
    time(d.nextAttemptAt).padEnd(19),
    d.jobId,
    d.lastError ? `  ${d.lastError}` : '',
  ].join('  ');
}

export function registerWebhooks(program: Command): void {
  const hooks = program
    .command('webhooks')
    .description('completion webhooks of your workspace on a running server (admin key)')
    .option(
      '--url <url>',
      'server URL (env LONGRUN_URL, then the login profile, default http://localhost:3000)',
    )
    .option('--key <key>', 'API key (env LONGRUN_KEY, then the login profile)');

  hooks
    .command('list')
    .description('the workspace’s webhooks, oldest first')
    .option('--json', 'print the JSON array')
    .action(
      run(async (o: { json?: boolean }, cmd: Command) => {
        const all = await client(cmd).webhooks.list();
        if (o.json) return console.log(JSON.stringify(all, null, 2));
        if (all.length === 0) return console.log('no webhooks');
        console.log(['ID'.padEnd(36), 'EVENTS'.padEnd(40), 'URL'].join('  '));
        for (const w of all) console.log([w.id.padEnd(36), w.events.join(',').padEnd(40), w.url].join('  '));
      }),
    );

  hooks
    .command('create <target>')
    .description(
      'create a webhook that POSTs to <target> (an http or https URL); its signing secret is printed once',
    )
    .option(
      '--events <list>',
      'comma list of job.completed, job.failed, job.cancelled',
      'job.completed,job.failed,job.cancelled',
    )
    .option('--type <list>', 'only these job types (comma list)')
    .option('--category <list>', 'only these categories (comma list)')
    .option('--json', 'print the JSON, secret included')
    .action(
      run(
        async (
          target: string,
          o: { events: string; type?: string; category?: string; json?: boolean },
          cmd: Command,
        ) => {
          const hook = await client(cmd).webhooks.create({
            url: target,
            events: (list(o.events) ?? []) as WebhookEvent[],
            types: list(o.type),
            categories: list(o.category),
          });
          printSecret(hook, o.json, 'created');
        },
      ),
    );

  hooks
    .command('get <id>')
    .description('a webhook (never its secret)')
    .option('--json', 'print the JSON')
    .action(
      run(async (id: string, o: { json?: boolean }, cmd: Command) => {
        const hook = await client(cmd).webhooks.get(id);
        if (o.json) console.log(JSON.stringify(hook, null, 2));
        else printWebhook(hook);
      }),
    );

  hooks
    .command('delete <id>')
    .description('delete a webhook and its delivery log')
    .action(
      run(async (id: string, _o: unknown, cmd: Command) => {
        await client(cmd).webhooks.delete(id);
        console.log(`deleted ${id}`);
      }),
    );

  hooks
    .command('rotate-secret <id>')
    .description('a new signing secret, printed once; the old one keeps signing for the grace period')
    .option(
      '--grace-ms <ms>',
      'how long the old secret keeps signing (default 86400000, a day; 0: not at all)',
    )
    .option('--json', 'print the JSON, secret included')
    .action(
      run(async (id: string, o: { graceMs?: string; json?: boolean }, cmd: Command) => {
        if (o.graceMs !== undefined && !/^\d{1,12}$/.test(o.graceMs))
          cmd.error('error: --grace-ms must be a whole number of milliseconds', { exitCode: 2 });
        const hook = await client(cmd).webhooks.rotateSecret(id, {
          graceMs: o.graceMs === undefined ? undefined : Number(o.graceMs),
        });
        printSecret(hook, o.json, 'rotated the secret of');
      }),
    );

  hooks
    .command('deliveries <id>')
    .description('the delivery log, newest first')
    .option('--limit <n>', '1-100 (default 20)')
    .option('--cursor <cursor>', 'continue from a previous page')
    .option('--json', 'print the JSON array')
    .action(
      run(async (id: string, o: { limit?: string; cursor?: string; json?: boolean }, cmd: Command) => {
        const page = await client(cmd).webhooks.deliveries(id, {
          limit: o.limit ? Number(o.limit) : undefined,
          cursor: o.cursor,
        });
        if (o.json) console.log(JSON.stringify(page.deliveries, null, 2));
        else {
          console.log(
            [
              'ID'.padEnd(8),
              'EVENT'.padEnd(14),
              'STATUS'.padEnd(9),
              'ATTEMPTS',
              'CODE ',
              'NEXT ATTEMPT'.padEnd(19),
              'JOB',
            ].join('  '),
          );
          for (const d of page.deliveries) console.log(deliveryLine(d));
        }
        if (page.nextCursor) console.error(`more: --cursor ${page.nextCursor}`);
      }),
    );
}
