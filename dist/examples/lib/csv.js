/**
 * A small RFC 4180 CSV reader and writer. The reader reports a broken record on that record (with
 * the line it starts on) instead of throwing for the whole file, so one bad row in a sync source
 * fails one item, not the job.
 */
export function parseCsv(text) {
    const records = [];
    const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // drop a UTF-8 BOM
    let line = 1;
    let i = 0;
    while (i < src.length) {
        const start = line;
        const fields = [];
        let error;
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
                    }
                    else if (c === '"') {
                        closed = true;
                        i++;
                        break;
                    }
                    else {
                        if (c === '\n')
                            line++;
                        field += c;
                        i++;
                    }
                }
                if (!closed)
                    error ??= 'unterminated quoted field';
                else if (i < src.length && src[i] !== ',' && src[i] !== '\n' && src[i] !== '\r') {
                    error ??= `unexpected character after a closing quote in field ${fields.length + 1}`;
                    while (i < src.length && src[i] !== ',' && src[i] !== '\n')
                        field += src[i++];
                }
            }
            else {
                while (i < src.length && src[i] !== ',' && src[i] !== '\n' && src[i] !== '\r')
                    field += src[i++];
            }
            fields.push(field);
            field = '';
            if (src[i] === ',') {
                i++;
            }
            else {
                if (src[i] === '\r')
                    i++;
                if (src[i] === '\n') {
                    i++;
                    line++;
                }
                endOfRecord = true;
            }
        }
        // A blank line is not a record (a trailing newline at the end of the file is the common case).
        if (fields.length === 1 && fields[0] === '' && !error)
            continue;
        records.push(error ? { line: start, fields, error } : { line: start, fields });
    }
    return records;
}
/** Quotes a field only when it must be: it holds a comma, quote, line break or edge whitespace. */
export function csvField(value) {
    const text = value === null || value === undefined
        ? ''
        : Array.isArray(value)
            ? value.map(String).join(';')
            : typeof value === 'object'
                ? JSON.stringify(value)
                : String(value);
    return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
/** One record with the CRLF terminator RFC 4180 specifies (what spreadsheets expect). */
export function csvLine(values) {
    return `${values.map(csvField).join(',')}\r\n`;
}
//# sourceMappingURL=csv.js.map