import { useCallback, useEffect, useState } from 'react';
import { ApiError, api, type RequestOptions } from '../../lib/api';

export interface Resource<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  /** The endpoint does not exist on this server (404 route_not_found): the page shows "not available". */
  notAvailable: boolean;
  reload: () => void;
}

export const isMissingRoute = (e: unknown): boolean => e instanceof ApiError && e.status === 404 && e.code === 'route_not_found';

/** GETs a path (null = wait) and re-fetches when the path or query changes. */
export function useApi<T>(path: string | null, query?: RequestOptions['query']): Resource<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(path !== null);
  const [tick, setTick] = useState(0);
  const queryKey = JSON.stringify(query ?? {});
  useEffect(() => {
    if (path === null) return;
    const ctrl = new AbortController();
    setLoading(true);
    api<T>('GET', path, { query: JSON.parse(queryKey) as RequestOptions['query'], signal: ctrl.signal })
      .then((d) => {
        setData(d);
        setError(null);
      })
      .catch((e: unknown) => {
        if ((e as Error).name === 'AbortError') return;
        setError(e instanceof ApiError ? e : new ApiError(0, 'network_error', String(e)));
      })
      .finally(() => {
        if (!ctrl.signal.aborted) setLoading(false);
      });
    return () => ctrl.abort();
  }, [path, queryKey, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading, notAvailable: isMissingRoute(error), reload };
}

/** Runs a mutation, tracking busy state and the last error for the form that triggered it. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = useCallback(async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'network_error', String(e)));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clearError: () => setError(null) };
}
