/** JSON shown as text in a <pre>; long values are cut so a huge input cannot freeze the page. */
import { clean } from '../format.ts';

const LIMIT = 200_000;

export function Json({ value, label }: { value: unknown; label: string }) {
  // Strings are cleaned before encoding: JSON would turn an escape into a visible `\u001b[31m`.
  let text =
    value === undefined
      ? 'undefined'
      : JSON.stringify(value, (_k, v: unknown) => (typeof v === 'string' ? clean(v) : v), 2);
  const cut = text.length > LIMIT;
  if (cut) text = text.slice(0, LIMIT);
  return (
    <figure class="json">
      <figcaption>{label}</figcaption>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard. */}
      <pre tabIndex={0}>{text}</pre>
      {cut && <p class="muted">Cut at {LIMIT.toLocaleString('en-US')} characters.</p>}
    </figure>
  );
}
