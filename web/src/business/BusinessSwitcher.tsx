import { useTranslation } from 'react-i18next';
import { useBusiness } from './BusinessContext';

/** Shown only to users who belong to more than one business. */
export function BusinessSwitcher() {
  const { t } = useTranslation('business');
  const { memberships, membership, select } = useBusiness();
  if (memberships.length < 2) return <span className="mr-auto text-sm font-medium text-stone-800">{membership.businessName}</span>;
  return (
    <label className="mr-auto inline-flex items-center gap-2 text-sm">
      <span>{t('switcher.label')}</span>
      <select className="rounded border border-stone-300 bg-white px-2 py-1" value={membership.businessId} onChange={(e) => select(e.target.value)}>
        {memberships.map((m) => (
          <option key={m.businessId} value={m.businessId}>
            {m.businessName}
          </option>
        ))}
      </select>
    </label>
  );
}
