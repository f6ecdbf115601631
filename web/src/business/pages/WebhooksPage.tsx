import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { useBusiness } from '../BusinessContext';
import { formatDateTime } from '../common/format';
import { Badge, Button, Card, CopyButton, Empty, ErrorBox, Field, Loaded, PageHeader, Table, Td } from '../common/ui';
import { useAction, useApi } from '../common/useApi';
import { DeadLetterTable, WEBHOOK_PATHS } from './DeadLetterTable';

export const EVENT_TYPES = ['feedback.scored', 'reward.created', 'reward.paid', 'transaction.received'] as const;
interface Endpoint { id: string; url: string; description: string | null; eventTypes: string[]; enabled: boolean; circuitState: string; previousSecretExpiresAt: string | null; createdAt: string }

/** Outbound webhooks: where Kvittra sends events, their signing secrets, and deliveries that gave up. */
export function WebhooksPage() {
  const { t } = useTranslation('business');
  const { base } = useBusiness();
  const paths = WEBHOOK_PATHS.business(base);
  const res = useApi<{ items: Endpoint[] }>(paths.endpoints, { limit: 100 });
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  return (
    <>
      <PageHeader title={t('webhooks.title')} />
      <p className="mb-4 max-w-3xl text-sm text-stone-700">{t('webhooks.intro')}</p>
      {!res.notAvailable && <NewEndpoint path={paths.endpoints} onCreated={(s) => { setSecret(s); res.reload(); }} />}
      {secret && (
        <Card className="mb-4" title={t('webhooks.secretTitle')}>
          <p className="text-sm">{t('webhooks.secretOnce', { url: secret.url })}</p>
          <div className="mt-2 flex flex-wrap items-center gap-2"><code className="break-all rounded bg-stone-100 px-2 py-1 text-xs" data-testid="webhook-secret">{secret.secret}</code><CopyButton text={secret.secret} /></div>
        </Card>
      )}
      <Loaded res={res}>
        {(d) => (
          <div className="flex flex-col gap-6">
            <Card title={t('webhooks.endpoints')}>
              {d.items.length === 0 ? <Empty>{t('webhooks.none')}</Empty> : (
                <Table caption={t('webhooks.endpoints')} head={[t('webhooks.url'), t('webhooks.events'), t('console:status'), t('console:actions')]}>
                  {d.items.map((e) => <EndpointRow key={e.id} e={e} path={`${paths.endpoints}/${e.id}`} onChange={res.reload} onSecret={(s) => setSecret({ url: e.url, secret: s })} />)}
                </Table>
              )}
            </Card>
            <Card title={t('webhooks.deadLetters')}>
              <DeadLetterTable listPath={paths.deliveries} replayPath={paths.replay} />
            </Card>
          </div>
        )}
      </Loaded>
    </>
  );
}

function NewEndpoint({ path, onCreated }: { path: string; onCreated: (s: { url: string; secret: string }) => void }) {
  const { t } = useTranslation('business');
  const [url, setUrl] = useState('');
  const [types, setTypes] = useState<string[]>([...EVENT_TYPES]);
  const action = useAction();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const created = await action.run(() => api<{ secret?: string; endpoint?: Endpoint; url?: string }>('POST', path, { body: { url: url.trim(), eventTypes: types } }));
    if (created) {
      onCreated({ url: url.trim(), secret: created.secret ?? '' });
      setUrl('');
    }
  }
  return (
    <Card title={t('webhooks.new')} className="mb-6">
      <form onSubmit={(e) => void submit(e)} className="flex flex-col gap-3">
        <Field label={t('webhooks.url')} type="url" placeholder="https://" value={url} onChange={(e) => setUrl(e.target.value)} required />
        <fieldset className="flex flex-wrap gap-4 text-sm">
          <legend className="mb-1 font-medium">{t('webhooks.events')}</legend>
          {EVENT_TYPES.map((ty) => (
            <label key={ty} className="inline-flex items-center gap-1">
              <input type="checkbox" checked={types.includes(ty)} onChange={() => setTypes(types.includes(ty) ? types.filter((x) => x !== ty) : [...types, ty])} /> {t(`webhooks.eventTypes.${ty.replace('.', '_')}`)}
            </label>
          ))}
        </fieldset>
        <div><Button type="submit" disabled={action.busy || !url.startsWith('http') || types.length === 0}>{t('console:create')}</Button></div>
      </form>
      <ErrorBox error={action.error} />
    </Card>
  );
}

function EndpointRow({ e, path, onChange, onSecret }: { e: Endpoint; path: string; onChange: () => void; onSecret: (s: string) => void }) {
  const { t } = useTranslation('business');
  const action = useAction();
  async function rotate() {
    if (!window.confirm(t('webhooks.rotateConfirm'))) return;
    const r = await action.run(() => api<{ secret: string }>('POST', `${path}/rotate-secret`, { body: {} }));
    if (r) {
      onSecret(r.secret);
      onChange();
    }
  }
  const tone = !e.enabled ? 'bad' : e.circuitState === 'closed' ? 'good' : 'warn';
  return (
    <tr>
      <Td className="break-all">{e.url}{e.previousSecretExpiresAt && <p className="text-xs text-stone-600">{t('webhooks.overlap', { at: formatDateTime(e.previousSecretExpiresAt) })}</p>}</Td>
      <Td>{e.eventTypes.map((ty) => t(`webhooks.eventTypes.${ty.replace('.', '_')}`, { defaultValue: ty })).join(', ')}</Td>
      <Td><Badge tone={tone}>{e.enabled ? t(`webhooks.circuit.${e.circuitState}`, { defaultValue: e.circuitState }) : t('webhooks.disabled')}</Badge></Td>
      <Td>
        <div className="flex flex-wrap gap-1">
          <Button variant="secondary" disabled={action.busy || !e.enabled} onClick={() => void action.run(() => api('POST', `${path}/test`)).then((r) => r !== undefined && window.alert(t('webhooks.testQueued')))}>{t('webhooks.test')}</Button>
          <Button variant="secondary" disabled={action.busy} onClick={() => void rotate()}>{t('webhooks.rotate')}</Button>
          <Button variant="secondary" disabled={action.busy} onClick={() => void action.run(() => api('PATCH', path, { body: { enabled: !e.enabled } })).then(onChange)}>{e.enabled ? t('webhooks.disable') : t('webhooks.enable')}</Button>
          <Button variant="danger" disabled={action.busy} onClick={() => window.confirm(t('console:confirm')) && void action.run(() => api('DELETE', path)).then(onChange)}>{t('console:remove')}</Button>
        </div>
        <ErrorBox error={action.error} />
      </Td>
    </tr>
  );
}
