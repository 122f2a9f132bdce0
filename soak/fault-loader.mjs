// Module resolution hook: every import of src/store/open.js, except the wrapper's own, gets the
// wrapper (soak/faulty-open.ts), which re-exports the real factories with faults injected. It runs
// from the compiled harness (soak/compile.ts), hence the `.js` names.
const WRAPPER = new URL('./faulty-open.js', import.meta.url).href;

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (resolved.url.endsWith('/src/store/open.js') && context.parentURL !== WRAPPER)
    return { ...resolved, url: WRAPPER };
  return resolved;
}
