/**
 * The dashboard's built assets (`dist/web`, made by `npm run build`) served at the root of the API's
 * origin, so the page and the API share one origin and the session cookie stays SameSite=Strict.
 * Files are read once at start: the folder holds a handful of files whose names carry their content
 * hash, so those are cached for a year and only `index.html` is revalidated.
 *
 * ```ts
 * createApp({ longrun, dashboard: { dir: 'dist/web' } });
 * ```
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import type { Hono } from 'hono';
import type { ApiEnv } from './types.ts';

/**
 * No inline script or style, nothing from another origin, no framing. Scripts may set style
 * properties (progress bar widths); that is not inline style as CSP counts it.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** `app-3f9a1c2b.js`: the build names every asset but index.html after its content. */
const HASHED = /-[A-Za-z0-9]{8,}\.[a-z]+$/;

interface Asset {
  body: Uint8Array<ArrayBuffer>;
  headers: Record<string, string>;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const file of listFiles(dir)) {
    const url = `/${relative(dir, file).split(sep).join('/')}`;
    const body = new Uint8Array(readFileSync(file));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    assets.set(url, {
      body,
      headers: {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Cache-Control': HASHED.test(url) ? 'public, max-age=31536000, immutable' : 'no-cache',
        ETag: etag,
        'Content-Security-Policy': DASHBOARD_CSP,
        'X-Content-Type-Options': 'nosniff',
        'X-Frame-Options': 'DENY',
        'Referrer-Policy': 'no-referrer',
      },
    });
  }
  return assets;
}

/**
 * Registers a GET route per built file, `/` for index.html. Returns false when `dir` holds no
 * build (a checkout where `npm run build` has not run), so the caller can say so.
 */
export function registerDashboard(app: Hono<ApiEnv>, dir: string): boolean {
  if (!existsSync(join(dir, 'index.html'))) return false;
  const assets = loadAssets(dir);
  for (const [url, asset] of assets) {
    const paths = url === '/index.html' ? ['/', url] : [url];
    for (const path of paths) {
      app.get(path, (c) => {
        c.set('route', 'dashboard');
        if (c.req.header('if-none-match') === asset.headers.ETag)
          return c.body(null, 304, { ETag: asset.headers.ETag ?? '' });
        return c.body(asset.body, 200, asset.headers);
      });
    }
  }
  return true;
}
