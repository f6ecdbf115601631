import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Loading } from '../../lib/Loading';
import { Button, Empty, ErrorBox, NotAvailable } from './ui';
import type { usePaged } from './usePaged';

/** Loading / not-available / empty states and the "show more" button around a paged list. */
export function PagedList<T>({ list, empty, children }: { list: ReturnType<typeof usePaged<T>>; empty?: string; children: (rows: T[]) => ReactNode }) {
  const { t } = useTranslation('console');
  if (list.notAvailable) return <NotAvailable />;
  return (
    <>
      <ErrorBox error={list.error} />
      {list.rows.length === 0 ? (list.loading ? <Loading /> : <Empty>{empty}</Empty>) : children(list.rows)}
      {list.cursor && <Button variant="secondary" className="mt-3" disabled={list.loading} onClick={list.more}>{t('more')}</Button>}
    </>
  );
}
