import { useCallback, useEffect, useState } from 'react';
import { ApiError, api, type RequestOptions } from '../../lib/api';
import { isMissingRoute } from './useApi';

/** A `{items, nextCursor}` list with "show more"; resets when the path or query changes. */
export function usePaged<T>(path: string, query: RequestOptions['query'] = {}, limit = 50) {
  const [rows, setRows] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const key = JSON.stringify(query);

  const load = useCallback(
    async (after: string | null) => {
      setLoading(true);
      try {
        const page = await api<{ items: T[]; nextCursor?: string | null }>('GET', path, { query: { ...(JSON.parse(key) as object), limit, cursor: after } });
        setRows((r) => (after ? [...r, ...page.items] : page.items));
        setCursor(page.nextCursor ?? null);
        setError(null);
      } catch (e) {
        setError(e instanceof ApiError ? e : new ApiError(0, 'network_error', String(e)));
      } finally {
        setLoading(false);
      }
    },
    [path, key, limit],
  );
  useEffect(() => {
    void load(null);
  }, [load, tick]);
  return { rows, cursor, error, loading, notAvailable: isMissingRoute(error), more: () => void load(cursor), reload: () => setTick((n) => n + 1) };
}
