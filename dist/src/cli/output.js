/** Human output for the `jobs` commands: a table line per job, a detail view, a live watcher. */
import cliProgress from 'cli-progress';
function time(ms) {
    return ms === null ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}
function progressText(p) {
    return p.total > 0 ? `${p.completed + p.failed}/${p.total}${p.failed ? ` (${p.failed} failed)` : ''}` : '-';
}
export const JOB_HEADER = [
    'ID'.padEnd(36),
    'STATUS'.padEnd(9),
    'CATEGORY'.padEnd(8),
    'PROGRESS'.padEnd(16),
    'CREATED'.padEnd(19),
    'NAME',
].join('  ');
export function formatJobLine(j) {
    return [
        j.id.padEnd(36),
        j.status.padEnd(9),
        j.category.padEnd(8),
        progressText(j.progress).padEnd(16),
        time(j.createdAt),
        j.name,
    ].join('  ');
}
export function printDetail(j) {
    const rows = [
        ['id', j.id],
        ['name', j.name],
        ['type', `${j.type} (${j.category})`],
        ['status', j.status + (j.cancelRequestedAt ? ` (cancel requested ${time(j.cancelRequestedAt)})` : '')],
        ['progress', progressText(j.progress)],
        ['attempt', `${j.attempt} of ${j.maxAttempts}`],
        ['created', time(j.createdAt)],
        ['started', time(j.startedAt)],
        ['completed', time(j.completedAt)],
    ];
    if (j.currentStep)
        rows.push(['step', j.currentStep]);
    if (j.error)
        rows.push(['error', `${j.error.code}: ${j.error.message}`]);
    for (const [k, v] of rows)
        console.log(`${k.padEnd(10)} ${v}`);
    if (j.steps.length)
        console.log(`steps      ${j.steps.map((s) => `${s.name}:${s.status}`).join(', ')}`);
    for (const a of j.attempts)
        console.log(`attempt ${a.attempt}: ${a.outcome ?? 'running'}${a.error ? ` - ${a.error}` : ''}`);
    if (j.result !== null && j.result !== undefined)
        console.log(`result     ${JSON.stringify(j.result)}`);
    const shown = j.logs.slice(-20);
    if (shown.length) {
        console.log(`logs (last ${shown.length} of ${j.logsTotal}):`);
        for (const l of shown)
            console.log(`  ${time(l.timestamp)} ${l.level.padEnd(5)} ${l.message}`);
    }
}
/** Follows a job's SSE stream to its end; returns the final status. */
export async function watchJob(client, id, opts) {
    let status = 'unknown';
    const bar = !opts.json && process.stdout.isTTY
        ? new cliProgress.SingleBar({ format: ' {bar} {value}/{total} {status}', hideCursor: true }, cliProgress.Presets.shades_classic)
        : null;
    let barStarted = false;
    // Above a live bar: clear its line, print, and let the next update redraw it.
    const say = (line) => bar && barStarted ? process.stdout.write(`\r\x1b[K${line}\n`) : console.log(line);
    for await (const e of client.jobEvents(id)) {
        if (opts.json)
            console.log(JSON.stringify(e));
        const d = e.data;
        if (e.event === 'snapshot' || e.event === 'status')
            status = String(d.status);
        if (e.event === 'snapshot') {
            const p = d.progress;
            if (!opts.json)
                say(`${d.name} [${d.type}] ${status}`);
            if (bar) {
                bar.start(Math.max(p.total, 1), p.completed + p.failed, { status });
                barStarted = true;
            }
        }
        else if (e.event === 'progress') {
            const done = Number(d.completed) + Number(d.failed);
            if (bar) {
                bar.setTotal(Math.max(Number(d.total), 1));
                bar.update(done, { status });
            }
            else if (!opts.json)
                say(`progress ${done}/${d.total}${Number(d.failed) ? ` (${d.failed} failed)` : ''}`);
        }
        else if (!opts.json && e.event === 'log') {
            say(`${time(Number(d.timestamp))} ${String(d.level).padEnd(5)} ${d.message}`);
        }
        else if (!opts.json && e.event === 'step') {
            say(`step ${d.name}: ${d.status}`);
        }
        else if (!opts.json && e.event === 'end') {
            bar?.stop();
            barStarted = false;
            say(`finished: ${status}`);
        }
        else if (!opts.json && e.event === 'status') {
            bar?.update({ status });
            say(`status ${status}`);
        }
    }
    bar?.stop();
    return status;
}
//# sourceMappingURL=output.js.map