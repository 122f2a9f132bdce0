/** A driver that is not installed, or installed but not built; the message says what to run. */
export class DriverMissingError extends Error {
    driver;
    constructor(driver, message, options) {
        super(message, options);
        this.driver = driver;
        this.name = 'DriverMissingError';
    }
}
function isMissingPackage(err, pkg) {
    const e = err;
    return e?.code === 'ERR_MODULE_NOT_FOUND' && (e.message ?? '').includes(`'${pkg}'`);
}
/** better-sqlite3 loads its native addon on the first `new Database()`, not on import. */
function isUnbuiltAddon(err) {
    const message = err?.message ?? '';
    return /better_sqlite3\.node|bindings file|ERR_DLOPEN_FAILED|NODE_MODULE_VERSION/.test(message);
}
export async function createSqliteStore(opts) {
    let backend;
    try {
        backend = await import("./sqlite/index.js");
    }
    catch (err) {
        if (!isMissingPackage(err, 'better-sqlite3'))
            throw err;
        throw new DriverMissingError('better-sqlite3', 'the SQLite store needs the better-sqlite3 package, which is not installed (npm install better-sqlite3@12); or use PostgreSQL with a postgres:// URL', { cause: err });
    }
    try {
        return await backend.createSqliteStore(opts);
    }
    catch (err) {
        if (!isUnbuiltAddon(err))
            throw err;
        throw new DriverMissingError('better-sqlite3', `better-sqlite3 is installed but its native addon does not load (${err.message.split('\n')[0]}): run npm rebuild better-sqlite3`, { cause: err });
    }
}
export async function createPostgresStore(opts) {
    let backend;
    try {
        backend = await import("./postgres/index.js");
    }
    catch (err) {
        if (!isMissingPackage(err, 'pg'))
            throw err;
        throw new DriverMissingError('pg', 'the PostgreSQL store needs the pg package, which is not installed: npm install pg', { cause: err });
    }
    return backend.createPostgresStore(opts);
}
//# sourceMappingURL=open.js.map