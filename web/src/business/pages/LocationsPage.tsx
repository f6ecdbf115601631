import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api, ApiError } from '../../lib/api';
import { useBusiness } from '../BusinessContext';
import { saveDownload } from '../common/download';
import { Badge, Button, Card, Empty, ErrorBox, Field, Loaded, PageHeader } from '../common/ui';
import { useAction } from '../common/useApi';
import { useLocations, type Location } from './useLocations';

/** Locations with their QR codes: create, rename, disable, download PNG/SVG, print the A5 poster. */
export function LocationsPage() {
  const { t } = useTranslation('business');
  const res = useLocations();
  return (
    <>
      <PageHeader title={t('locations.title')} />
      <NewLocation onCreated={res.reload} />
      <Loaded res={res}>
        {(d) => (d.items.length === 0 ? <Empty>{t('locations.none')}</Empty> : <ul className="grid gap-4 lg:grid-cols-2">{d.items.map((l) => <LocationCard key={l.id} loc={l} onChange={res.reload} />)}</ul>)}
      </Loaded>
    </>
  );
}

function NewLocation({ onCreated }: { onCreated: () => void }) {
  const { t } = useTranslation('business');
  const { base } = useBusiness();
  const [name, setName] = useState('');
  const [address, setAddress] = useState('');
  const action = useAction();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const ok = await action.run(() => api('POST', `${base}/locations`, { body: { name, address } }));
    if (ok) {
      setName('');
      setAddress('');
      onCreated();
    }
  }
  return (
    <Card title={t('locations.new')} className="mb-6">
      <form onSubmit={(e) => void submit(e)} className="grid gap-3 sm:grid-cols-[1fr_2fr_auto] sm:items-end">
        <Field label={t('locations.name')} value={name} required onChange={(e) => setName(e.target.value)} />
        <Field label={t('locations.address')} value={address} required onChange={(e) => setAddress(e.target.value)} />
        <Button type="submit" disabled={action.busy || !name.trim() || !address.trim()}>{t('console:create')}</Button>
      </form>
      <ErrorBox error={action.error} />
    </Card>
  );
}

function LocationCard({ loc, onChange }: { loc: Location; onChange: () => void }) {
  const { t } = useTranslation('business');
  const { base } = useBusiness();
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(loc.name);
  const [address, setAddress] = useState(loc.address);
  const action = useAction();
  const path = `${base}/locations/${loc.id}`;
  const slug = loc.name.toLowerCase().replace(/[^a-z0-9åäö]+/g, '-');

  async function save(patch: Record<string, unknown>) {
    if (await action.run(() => api('PATCH', path, { body: patch }))) {
      setEditing(false);
      onChange();
    }
  }
  async function poster() {
    // The server's A5 PDF when it has one; otherwise our print-styled page.
    try {
      await saveDownload(`${path}/poster.pdf`, `kvittra-affisch-${slug}.pdf`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) navigate(`/business/locations/${loc.id}/poster`);
      else void action.run(() => Promise.reject(e));
    }
  }
  return (
    <li className="rounded-lg border border-stone-200 bg-white p-4 shadow-sm" data-testid="location-card">
      <div className="flex gap-4">
        <img src={`${path}/qr.svg`} alt={t('locations.qrAlt', { name: loc.name })} className="h-28 w-28 shrink-0 border border-stone-200" />
        <div className="min-w-0 flex-1">
          {editing ? (
            <form onSubmit={(e) => { e.preventDefault(); void save({ name, address }); }} className="flex flex-col gap-2">
              <Field label={t('locations.name')} value={name} onChange={(e) => setName(e.target.value)} />
              <Field label={t('locations.address')} value={address} onChange={(e) => setAddress(e.target.value)} />
              <div className="flex gap-2">
                <Button type="submit" disabled={action.busy}>{t('console:save')}</Button>
                <Button variant="secondary" onClick={() => setEditing(false)}>{t('console:cancel')}</Button>
              </div>
            </form>
          ) : (
            <>
              <h2 className="font-semibold">{loc.name} {loc.status === 'disabled' && <Badge tone="bad">{t('locations.disabled')}</Badge>}</h2>
              <p className="text-sm text-stone-700">{loc.address}</p>
              {loc.storeCode && <p className="mt-1 text-sm">{t('locations.storeCode')}: <strong className="font-mono">{loc.storeCode}</strong></p>}
              <p className="mt-1 break-all text-xs text-stone-600">{loc.qrUrl}</p>
            </>
          )}
        </div>
      </div>
      {!editing && (
        <div className="mt-3 flex flex-wrap gap-2">
          <Button variant="secondary" onClick={() => void action.run(() => saveDownload(`${path}/qr.png`, `kvittra-qr-${slug}.png`, { size: 1024 }))}>{t('locations.downloadPng')}</Button>
          <Button variant="secondary" onClick={() => void action.run(() => saveDownload(`${path}/qr.svg`, `kvittra-qr-${slug}.svg`))}>{t('locations.downloadSvg')}</Button>
          <Button variant="secondary" onClick={() => void poster()}>{t('locations.poster')}</Button>
          <Button variant="secondary" onClick={() => setEditing(true)}>{t('console:edit')}</Button>
          <Button variant="secondary" onClick={() => void save({ status: loc.status === 'active' ? 'disabled' : 'active' })}>{loc.status === 'active' ? t('locations.disable') : t('locations.enable')}</Button>
        </div>
      )}
      <ErrorBox error={action.error} />
    </li>
  );
}
