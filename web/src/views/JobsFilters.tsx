/** The jobs page's filters: status and category chips with live counts, type, search, pause. */
import { useEffect, useState } from 'preact/hooks';
import type { JobStatus, JobType, Stats } from '../../../src/client/types.ts';
import { STATUSES } from '../components/Status.tsx';
import { count } from '../format.ts';

export interface FilterState {
  status: JobStatus[];
  category: string[];
  type: string;
  search: string;
}

interface Props {
  value: FilterState;
  onChange: (next: Partial<FilterState>) => void;
  onSearch: (text: string) => void;
  stats: Stats | undefined;
  types: JobType[] | undefined;
  paused: boolean;
  onPause: (paused: boolean) => void;
}

const toggle = <T,>(list: T[], v: T): T[] => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);

/** Counts from the stats counters for a status (within the chosen categories) or a category. */
function statusCount(stats: Stats, status: string, categories: string[]): number {
  if (categories.length === 0) return stats.byStatus[status] ?? 0;
  return categories.reduce((a, c) => a + (stats.byCategory[c]?.[status] ?? 0), 0);
}
function categoryCount(stats: Stats, category: string, statuses: string[]): number {
  const row = stats.byCategory[category] ?? {};
  return (statuses.length ? statuses : STATUSES).reduce((a, s) => a + (row[s] ?? 0), 0);
}

function Chip(p: {
  label: string;
  n: number | undefined;
  pressed: boolean;
  onClick: () => void;
  cls?: string;
}) {
  return (
    <button type="button" class={`chip ${p.cls ?? ''}`} aria-pressed={p.pressed} onClick={p.onClick}>
      {p.label}
      <span class="chip-count">{p.n === undefined ? '…' : count(p.n)}</span>
    </button>
  );
}

export function JobsFilters({ value, onChange, onSearch, stats, types, paused, onPause }: Props) {
  const [text, setText] = useState(value.search);
  useEffect(() => setText(value.search), [value.search]);
  const categories = stats ? Object.keys(stats.byCategory) : [];
  return (
    <div class="filters">
      <fieldset class="chips">
        <legend class="sr-only">Status</legend>
        <Chip
          label="all"
          n={
            stats &&
            (value.category.length
              ? categories
                  .filter((c) => value.category.includes(c))
                  .reduce((a, c) => a + categoryCount(stats, c, []), 0)
              : stats.total)
          }
          pressed={value.status.length === 0}
          onClick={() => onChange({ status: [] })}
        />
        {STATUSES.map((s) => (
          <Chip
            key={s}
            cls={`status-${s}`}
            label={s}
            n={stats && statusCount(stats, s, value.category)}
            pressed={value.status.includes(s)}
            onClick={() => onChange({ status: toggle(value.status, s) })}
          />
        ))}
      </fieldset>
      <fieldset class="chips">
        <legend class="sr-only">Category</legend>
        {categories.map((c) => (
          <Chip
            key={c}
            label={c}
            n={stats && categoryCount(stats, c, value.status)}
            pressed={value.category.includes(c)}
            onClick={() => onChange({ category: toggle(value.category, c) })}
          />
        ))}
      </fieldset>
      <div class="filter-row">
        <label class="inline">
          <span>Type</span>
          <select value={value.type} onChange={(e) => onChange({ type: e.currentTarget.value })}>
            <option value="">All types</option>
            {types?.map((t) => (
              <option key={t.type} value={t.type}>
                {t.type}
              </option>
            ))}
          </select>
        </label>
        <form
          class="search"
          aria-label="Job search"
          onSubmit={(e) => {
            e.preventDefault();
            onSearch(text);
          }}
        >
          <label for="job-search" class="sr-only">
            Search jobs
          </label>
          <input
            id="job-search"
            type="search"
            placeholder="Id, name prefix, or input.bucketId = b1"
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
          />
          <button type="submit">Search</button>
        </form>
        <label class="switch">
          <input type="checkbox" checked={!paused} onChange={(e) => onPause(!e.currentTarget.checked)} />
          <span>Live updates</span>
        </label>
      </div>
    </div>
  );
}
