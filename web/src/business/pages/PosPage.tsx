import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { useBusiness } from '../BusinessContext';
import { formatDateTime } from '../common/format';
import { Badge, Button, Card, CopyButton, Empty, ErrorBox, Field, Loaded, PageHeader, Select } from '../common/ui';
import { useAction, useApi } from '../common/useApi';
import { useLocations } from './useLocations';

const PROVIDERS = ['square', 'shopify', 'zettle'] as const;
interface Connection {
  id: string;
  locationId: string;
  provider: (typeof PROVIDERS)[number];
  externalMerchantId: string;
  externalLocationId: string | null;
  webhookUrl: string;
  status: 'active' | 'disabled';
  lastEventAt: string | null;
}

/** A connection is healthy when it is active and has heard from the till in the last day. */
export function connectionHealth(c: Pick<Connection, 'status' | 'lastEventAt'>, now = Date.now()): 'healthy' | 'quiet' | 'waiting' | 'disabled' {
  if (c.status === 'disabled') return 'disabled';
  if (!c.lastEventAt) return 'waiting';
  return now - new Date(c.lastEventAt).getTime() < 24 * 3_600_000 ? 'healthy' : 'quiet';
}
const HEALTH_TONE = { healthy: 'good', quiet: 'warn', waiting: 'neutral', disabled: 'bad' } as const;

export function PosPage() {
  const { t } = useTranslation('business');
  const { base } = useBusiness();
  const res = useApi<{ items: Connection[] }>(`${base}/pos-connections`, { limit: 200 });
  return (
    <>
      <PageHeader title={t('pos.title')} />
      <p className="mb-4 max-w-3xl text-sm text-stone-700">{t('pos.intro')}</p>
      <NewConnection onCreated={res.reload} />
      <Loaded res={res}>{(d) => (d.items.length === 0 ? <Empty>{t('pos.none')}</Empty> : <ul className="flex flex-col gap-4">{d.items.map((c) => <ConnectionCard key={c.id} c={c} onChange={res.reload} />)}</ul>)}</Loaded>
    </>
  );
}

function NewConnection({ onCreated }: { onCreated: () => void }) {
  const { t } = useTranslation('business');
  const { base } = useBusiness();
  const locations = useLocations();
  const [form, setForm] = useState({ provider: 'square', locationId: '', externalMerchantId: '', externalLocationId: '', signingKey: '' });
  const action = useAction();
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const locationId = form.locationId || locations.data?.items[0]?.id || '';
  async function submit(e: FormEvent) {
    e.preventDefault();
    const body = { ...form, locationId, externalLocationId: form.externalLocationId.trim() || null };
    if (await action.run(() => api('POST', `${base}/pos-connections`, { body }))) {
      setForm({ ...form, externalMerchantId: '', externalLocationId: '', signingKey: '' });
      onCreated();
    }
  }
  return (
    <Card title={t('pos.new')} className="mb-6">
      <form onSubmit={(e) => void submit(e)} className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        <Select label={t('pos.provider')} value={form.provider} onChange={set('provider')}>
          {PROVIDERS.map((p) => <option key={p} value={p}>{t(`pos.providers.${p}`)}</option>)}
        </Select>
        <Select label={t('pos.location')} value={locationId} onChange={set('locationId')}>
          {locations.data?.items.map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
        </Select>
        <Field label={t('pos.merchantId')} hint={t(`pos.merchantHint.${form.provider}`)} value={form.externalMerchantId} onChange={set('externalMerchantId')} required />
        <Field label={t('pos.externalLocationId')} hint={t(`pos.locationHint.${form.provider}`)} value={form.externalLocationId} onChange={set('externalLocationId')} />
        <Field label={t('pos.signingKey')} hint={t('pos.signingKeyHint')} type="password" autoComplete="off" value={form.signingKey} onChange={set('signingKey')} required minLength={8} />
        <div className="flex items-end">
          <Button type="submit" disabled={action.busy || !locationId || !form.externalMerchantId.trim() || form.signingKey.length < 8}>{t('pos.connect')}</Button>
        </div>
      </form>
      <ErrorBox error={action.error} />
    </Card>
  );
}

function ConnectionCard({ c, onChange }: { c: Connection; onChange: () => void }) {
  const { t } = useTranslation('business');
  const { base } = useBusiness();
  const action = useAction();
  const [key, setKey] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const path = `${base}/pos-connections/${c.id}`;
  const health = connectionHealth(c);
  async function patch(body: Record<string, unknown>, done: string) {
    if (await action.run(() => api('PATCH', path, { body }))) {
      setKey('');
      setNote(done);
      onChange();
    }
  }
  async function testEvent() {
    if (await action.run(() => api('POST', `${path}/test-event`))) {
      setNote(t('pos.testSent'));
      onChange();
    }
  }
  return (
    <li className="rounded-lg border border-stone-200 bg-white p-4 shadow-sm" data-testid="pos-connection">
      <div className="flex flex-wrap items-center gap-2">
        <h2 className="text-lg font-semibold">{t(`pos.providers.${c.provider}`)}</h2>
        <Badge tone={HEALTH_TONE[health]}>{t(`pos.health.${health}`)}</Badge>
        <span className="text-sm text-stone-600">{t('pos.lastEvent')}: {formatDateTime(c.lastEventAt)}</span>
      </div>
      <div className="mt-3 flex flex-wrap items-end gap-2">
        <div className="min-w-0 flex-1">
          <p className="text-sm font-medium">{t('pos.webhookUrl')}</p>
          <code className="block break-all rounded bg-stone-100 px-2 py-1 text-xs">{c.webhookUrl}</code>
        </div>
        <CopyButton text={c.webhookUrl} />
      </div>
      <p className="mt-1 text-xs text-stone-600">{t(`pos.subscribe.${c.provider}`)}</p>
      <form className="mt-3 flex flex-wrap items-end gap-2" onSubmit={(e) => { e.preventDefault(); void patch({ signingKey: key }, t('pos.keySaved')); }}>
        <Field label={t('pos.newSigningKey')} type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} />
        <Button type="submit" variant="secondary" disabled={action.busy || key.length < 8}>{t('pos.saveKey')}</Button>
        <Button variant="secondary" disabled={action.busy || c.status === 'disabled'} onClick={() => void testEvent()}>{t('pos.testEvent')}</Button>
        <Button variant={c.status === 'active' ? 'danger' : 'secondary'} disabled={action.busy} onClick={() => void patch({ status: c.status === 'active' ? 'disabled' : 'active' }, t('console:saved'))}>
          {c.status === 'active' ? t('pos.disable') : t('pos.enable')}
        </Button>
      </form>
      <p role="status" className="mt-2 text-sm text-teal-800">{note}</p>
      <ErrorBox error={action.error} />
    </li>
  );
}
