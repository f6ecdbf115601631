import { useTranslation } from 'react-i18next';

export interface HeatCell {
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  hour: number;
  count: number;
}

const HOURS = Array.from({ length: 24 }, (_, h) => h);
const DAYS = [1, 2, 3, 4, 5, 6, 7];

/** Weekday × hour grid as a real table, so screen readers can read each cell's count. */
export function Heatmap({ cells }: { cells: HeatCell[] }) {
  const { t } = useTranslation('business');
  const max = Math.max(1, ...cells.map((c) => c.count));
  const at = (d: number, h: number) => cells.filter((c) => c.weekday === d && c.hour === h).reduce((s, c) => s + c.count, 0);
  return (
    <div className="overflow-x-auto" data-testid="heatmap">
      <table className="border-separate border-spacing-0.5 text-[10px]">
        <caption className="sr-only">{t('insights.heatmap')}</caption>
        <thead>
          <tr>
            <th scope="col" className="sr-only">{t('insights.weekday')}</th>
            {HOURS.map((h) => <th key={h} scope="col" className="w-5 font-normal text-stone-600">{h}</th>)}
          </tr>
        </thead>
        <tbody>
          {DAYS.map((d) => (
            <tr key={d}>
              <th scope="row" className="pr-1 text-right font-normal text-stone-700">{t(`weekdays.${d}`)}</th>
              {HOURS.map((h) => {
                const n = at(d, h);
                // Opacity scales with the count; the number itself is the accessible value.
                return (
                  <td key={h} title={t('insights.cell', { day: t(`weekdays.${d}`), hour: h, count: n })} className="h-5 w-5 rounded-sm bg-teal-700 text-center" style={{ opacity: n === 0 ? 0.06 : 0.15 + (0.85 * n) / max }}>
                    <span className="sr-only">{n}</span>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
