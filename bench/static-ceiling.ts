/**
 * The ceiling of the HTTP bench: `node:http` answering every GET with fixed bytes (a job for
 * `/api/v1/jobs/:id`, a list page for `/api/v1/jobs?…`), in as many processes as Longrun serves
 * with (node:cluster, one port). No framework, no database: what the machine allows for the bytes.
 *
 *   node --import tsx bench/static-ceiling.ts BODIES.json PROCESSES
 */
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const [file = '', processes = '1'] = process.argv.slice(2);
const count = Number(processes);

if (cluster.isPrimary && count > 1) {
  let listening = 0;
  for (let i = 0; i < count; i++) {
    cluster.fork().on('message', (port: number) => {
      if (++listening === count) console.log(`listening on http://127.0.0.1:${port}`);
    });
  }
  process.on('SIGTERM', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.kill();
    process.exit(0);
  });
} else {
  const { detail, list } = JSON.parse(readFileSync(file, 'utf8')) as { detail: string; list: string };
  const server = http.createServer((req, res) => {
    const body = req.url?.startsWith('/api/v1/jobs?') ? list : detail;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    if (cluster.isWorker) process.send?.(port);
    else console.log(`listening on http://127.0.0.1:${port}`);
  });
}
