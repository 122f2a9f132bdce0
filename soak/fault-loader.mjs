// Module resolution hook: every import of src/store/open.ts, except the wrapper's own, gets the
// wrapper (soak/faulty-open.ts), which re-exports the real factories with faults injected.
const WRAPPER = new URL('./faulty-open.ts', import.meta.url).href;

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (resolved.url.endsWith('/src/store/open.ts') && context.parentURL !== WRAPPER)
    return { ...resolved, url: WRAPPER };
  return resolved;
}
