import { createApiKey, toApiKey } from "../api/auth.js";
import { SCOPES } from "../api/schemas.js";
import { loadConfig } from "./config.js";
import { openStore } from "./store.js";
async function withStore(cmd, fn) {
    const opts = cmd.optsWithGlobals();
    const config = loadConfig(opts.db ? { db: opts.db } : {}, { configPath: opts.config });
    const store = await openStore(config.db);
    try {
        return await fn(store);
    }
    finally {
        await store.close();
    }
}
function formatDate(ms) {
    return ms === null ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}
export function registerKeys(program) {
    const keys = program
        .command('keys')
        .description('create, list and revoke API keys (directly on the store)')
        .option('--db <path|url>', 'SQLite file or postgres:// URL (default: as for serve)')
        .option('-c, --config <file>', 'config file');
    keys
        .command('create')
        .description('create a key; the workspace is created if it is new; the key is printed once')
        .requiredOption('--workspace <name>', 'workspace the key belongs to')
        .requiredOption('--scope <scope>', `one of ${SCOPES.join(', ')}`)
        .option('--name <name>', 'a label to recognise the key by')
        .action(async (opts, cmd) => {
        if (!SCOPES.includes(opts.scope)) {
            cmd.error(`error: --scope must be one of ${SCOPES.join(', ')}`, { exitCode: 2 });
        }
        if (!/^[A-Za-z0-9._-]{1,100}$/.test(opts.workspace)) {
            cmd.error('error: --workspace must be 1-100 letters, digits, ".", "_" or "-"', { exitCode: 2 });
        }
        await withStore(cmd, async (store) => {
            const { key, record } = await createApiKey(store, {
                workspace: opts.workspace,
                scope: opts.scope,
                name: opts.name,
            });
            console.error(`created ${record.scope} key ${record.id} in workspace ${record.workspaceId}; it is shown only now:`);
            console.log(key);
        });
    });
    keys
        .command('list')
        .description('list keys (never their secrets)')
        .option('--workspace <name>', 'only this workspace')
        .option('--json', 'print JSON')
        .action(async (opts, cmd) => {
        await withStore(cmd, async (store) => {
            const list = (await store.apiKeyList({ workspaceId: opts.workspace })).map(toApiKey);
            if (opts.json) {
                console.log(JSON.stringify(list, null, 2));
                return;
            }
            if (list.length === 0) {
                console.log('no keys');
                return;
            }
            console.log([
                'ID'.padEnd(36),
                'WORKSPACE'.padEnd(16),
                'SCOPE'.padEnd(6),
                'PREFIX'.padEnd(12),
                'CREATED'.padEnd(19),
                'REVOKED'.padEnd(19),
                'NAME',
            ].join('  '));
            for (const k of list) {
                console.log([
                    k.id.padEnd(36),
                    k.workspace.padEnd(16),
                    k.scope.padEnd(6),
                    `lr_${k.prefix}`.padEnd(12),
                    formatDate(k.createdAt).padEnd(19),
                    formatDate(k.revokedAt).padEnd(19),
                    k.name,
                ].join('  '));
            }
        });
    });
    keys
        .command('revoke <id>')
        .description('revoke a key; requests with it get 401 from now on')
        .action(async (id, _opts, cmd) => {
        await withStore(cmd, async (store) => {
            if (!(await store.apiKeyRevoke({ id })))
                cmd.error(`error: no active key with id ${id}`, { exitCode: 1 });
            console.log(`revoked ${id}`);
        });
    });
}
//# sourceMappingURL=keys.js.map