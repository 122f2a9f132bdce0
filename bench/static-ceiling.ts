/**
 * The ceiling of the HTTP bench: `node:http` answering every GET with fixed bytes (each job's own
 * for `/api/v1/jobs/:id`, a list page for anything else), in as many processes as Longrun serves
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
  const { details, list } = JSON.parse(readFileSync(file, 'utf8')) as {
    details: Record<string, string>;
    list: string;
  };
  const byPath = new Map(Object.entries(details));
  const server = http.createServer((req, res) => {
    const body = byPath.get(req.url ?? '') ?? list;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    if (cluster.isWorker) process.send?.(port);
    else console.log(`listening on http://127.0.0.1:${port}`);
  });
}
