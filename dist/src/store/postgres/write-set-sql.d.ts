export declare const WRITE_SET_SQL: string;
//# sourceMappingURL=write-set-sql.d.ts.map