import { useTranslation } from 'react-i18next';
import './poster.css';
import { Link, useParams } from 'react-router-dom';
import { useBusiness } from '../BusinessContext';
import { Button, Loaded } from '../common/ui';
import { useApi } from '../common/useApi';
import type { Location } from './useLocations';

/** A5 poster for the counter, printed from the browser (the print stylesheet hides the controls). */
export function PosterPage() {
  const { t } = useTranslation('business');
  const { base, membership } = useBusiness();
  const { locationId } = useParams();
  const res = useApi<Location>(`${base}/locations/${locationId}`);
  return (
    <div className="min-h-screen bg-stone-100 p-4 print:bg-white print:p-0">
      <div className="mx-auto mb-4 flex max-w-[148mm] justify-between print:hidden">
        <Link className="text-sm text-teal-800 underline" to="/business/locations">{t('poster.back')}</Link>
        <Button onClick={() => window.print()}>{t('poster.print')}</Button>
      </div>
      <Loaded res={res}>
        {(loc) => (
          <main id="main" className="poster-a5 mx-auto flex aspect-[148/210] max-w-[148mm] flex-col items-center justify-between bg-white p-10 text-center shadow print:shadow-none">
            <div>
              <p className="text-lg font-medium text-stone-600">{membership.businessName}</p>
              <h1 className="mt-2 text-4xl font-bold text-teal-800">{t('poster.headline')}</h1>
              <p className="mt-3 text-lg">{t('poster.body')}</p>
            </div>
            <img src={`${base}/locations/${loc.id}/qr.svg`} alt={t('locations.qrAlt', { name: loc.name })} className="h-64 w-64" />
            <div>
              <p className="text-base">{t('poster.steps')}</p>
              {loc.storeCode && <p className="mt-2 text-base">{t('poster.code')} <strong className="font-mono text-2xl">{loc.storeCode}</strong></p>}
              <p className="mt-4 text-sm text-stone-600">{loc.name} · kvittra.se</p>
            </div>
          </main>
        )}
      </Loaded>
    </div>
  );
}
