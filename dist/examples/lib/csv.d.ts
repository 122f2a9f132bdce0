/**
 * A small RFC 4180 CSV reader and writer. The reader reports a broken record on that record (with
 * the line it starts on) instead of throwing for the whole file, so one bad row in a sync source
 * fails one item, not the job.
 */
export interface CsvRecord {
    /** 1-based line on which the record starts (a quoted field may span lines). */
    line: number;
    fields: string[];
    /** Set when the record is malformed; `fields` then holds what could be read. */
    error?: string;
}
export declare function parseCsv(text: string): CsvRecord[];
/** Quotes a field only when it must be: it holds a comma, quote, line break or edge whitespace. */
export declare function csvField(value: unknown): string;
/** One record with the CRLF terminator RFC 4180 specifies (what spreadsheets expect). */
export declare function csvLine(values: readonly unknown[]): string;
//# sourceMappingURL=csv.d.ts.map