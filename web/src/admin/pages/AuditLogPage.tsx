import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../business/common/format';
import { PagedList } from '../../business/common/PagedList';
import { Card, Field, PageHeader, Table, Td } from '../../business/common/ui';
import { usePaged } from '../../business/common/usePaged';

interface Entry { id: string; actor: string; action: string; targetType: string; targetId: string | null; details: unknown; ip: string | null; createdAt: string }

/** Every admin and business action, newest first, filterable by actor, action and target type. */
export function AuditLogPage() {
  const { t } = useTranslation('admin');
  const [f, setF] = useState({ actor: '', action: '', targetType: '' });
  const list = usePaged<Entry>('/admin/audit-log', f, 100);
  return (
    <>
      <PageHeader title={t('audit.title')} />
      <Card actions={
        <div className="flex flex-wrap gap-2">
          <Field label={t('audit.actor')} value={f.actor} onChange={(e) => setF({ ...f, actor: e.target.value })} />
          <Field label={t('audit.action')} value={f.action} onChange={(e) => setF({ ...f, action: e.target.value })} />
          <Field label={t('audit.targetType')} value={f.targetType} onChange={(e) => setF({ ...f, targetType: e.target.value })} />
        </div>
      }>
        <PagedList list={list} empty={t('audit.none')}>
          {(rows) => (
            <Table caption={t('audit.title')} head={[t('audit.when'), t('audit.actor'), t('audit.action'), t('audit.target'), t('console:details')]}>
              {rows.map((a) => (
                <tr key={a.id}>
                  <Td className="whitespace-nowrap">{formatDateTime(a.createdAt)}</Td>
                  <Td className="text-xs">{a.actor}</Td>
                  <Td className="font-mono text-xs">{a.action}</Td>
                  <Td className="text-xs">{a.targetType}{a.targetId ? ` · ${a.targetId}` : ''}</Td>
                  <Td><code className="block max-w-sm break-words text-xs text-stone-700">{a.details ? JSON.stringify(a.details) : ''}</code></Td>
                </tr>
              ))}
            </Table>
          )}
        </PagedList>
      </Card>
    </>
  );
}
