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

export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // drop a UTF-8 BOM
  let line = 1;
  let i = 0;
  while (i < src.length) {
    const start = line;
    const fields: string[] = [];
    let error: string | undefined;
    let field = '';
    let endOfRecord = false;
    while (!endOfRecord) {
      if (src[i] === '"') {
        // Quoted field: "" is a literal quote; commas and line breaks inside are data.
        i++;
        let closed = false;
        while (i < src.length) {
          const c = src[i];
          if (c === '"' && src[i + 1] === '"') {
            field += '"';
            i += 2;
          } else if (c === '"') {
            closed = true;
            i++;
            break;
          } else {
            if (c === '\n') line++;
            field += c;
            i++;
          }
        }
        if (!closed) error ??= 'unterminated quoted field';
        else if (i < src.length && src[i] !== ',' && src[i] !== '\n' && src[i] !== '\r') {
          error ??= `unexpected character after a closing quote in field ${fields.length + 1}`;
          while (i < src.length && src[i] !== ',' && src[i] !== '\n') field += src[i++];
        }
      } else {
        while (i < src.length && src[i] !== ',' && src[i] !== '\n' && src[i] !== '\r') field += src[i++];
      }
      fields.push(field);
      field = '';
      if (src[i] === ',') {
        i++;
      } else {
        if (src[i] === '\r') i++;
        if (src[i] === '\n') {
          i++;
          line++;
        }
        endOfRecord = true;
      }
    }
    // A blank line is not a record (a trailing newline at the end of the file is the common case).
    if (fields.length === 1 && fields[0] === '' && !error) continue;
    records.push(error ? { line: start, fields, error } : { line: start, fields });
  }
  return records;
}

/** Quotes a field only when it must be: it holds a comma, quote, line break or edge whitespace. */
export function csvField(value: unknown): string {
  const text =
    value === null || value === undefined
      ? ''
      : Array.isArray(value)
        ? value.map(String).join(';')
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record with the CRLF terminator RFC 4180 specifies (what spreadsheets expect). */
export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
