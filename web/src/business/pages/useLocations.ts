import { useCallback } from 'react';
import { useBusiness } from '../BusinessContext';
import { useApi } from '../common/useApi';

export interface Location {
  id: string;
  name: string;
  address: string;
  qrToken: string;
  qrUrl: string;
  storeCode: string | null;
  status: 'active' | 'disabled';
  createdAt: string;
}

export function useLocations() {
  const { base } = useBusiness();
  return useApi<{ items: Location[]; nextCursor: string | null }>(`${base}/locations`, { limit: 200 });
}

/** Location id → name, for charts and lists whose rows carry only the id. */
export function useLocationNames(): (id: string | null) => string {
  const { data } = useLocations();
  return useCallback((id: string | null) => data?.items.find((l) => l.id === id)?.name ?? id ?? '–', [data]);
}
