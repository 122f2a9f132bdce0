import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from './api.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: string | null;
  /** Fetches again, keeping the current data on screen until the answer arrives. */
  reload: () => void;
}

/** Loads `fn()` when `deps` change; answers that arrive after a newer request are dropped. */
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const reload = useCallback(() => {
    const mine = ++seq.current;
    fnRef.current().then(
      (v) => {
        if (mine !== seq.current) return;
        setData(v);
        setError(null);
      },
      (err: unknown) => {
        if (mine === seq.current) setError(errorText(err));
      },
    );
  }, []);
  useEffect(() => {
    reload();
    return () => {
      seq.current++;
    };
  }, deps);
  return { data, error, reload };
}
