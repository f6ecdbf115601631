import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { daysAgo, stockholmDate } from '../common/format';

export interface Range {
  from: string;
  to: string;
}

/** Last 30 days (Stockholm dates) by default. */
export function useRange(days = 30) {
  return useState<Range>(() => ({ from: daysAgo(days - 1), to: stockholmDate() }));
}

export function DateRangePicker({ value, onChange }: { value: Range; onChange: (r: Range) => void }) {
  const { t } = useTranslation('console');
  const input = 'rounded-md border border-stone-300 bg-white px-2 py-1.5 text-sm';
  return (
    <div className="flex flex-wrap items-end gap-2">
      <label className="flex flex-col text-xs text-stone-700">
        {t('from')}
        <input type="date" className={input} value={value.from} max={value.to} onChange={(e) => e.target.value && onChange({ ...value, from: e.target.value })} />
      </label>
      <label className="flex flex-col text-xs text-stone-700">
        {t('to')}
        <input type="date" className={input} value={value.to} min={value.from} onChange={(e) => e.target.value && onChange({ ...value, to: e.target.value })} />
      </label>
    </div>
  );
}
