export interface Migration {
    version: number;
    name: string;
    sql: string;
}
export declare function listMigrations(dir: string): Migration[];
//# sourceMappingURL=migrations.d.ts.map