/** A palette with enough contrast on white for lines and bars (colour is never the only cue: legends name every series). */
export const SERIES_COLORS = ['#0f766e', '#b45309', '#1d4ed8', '#be123c', '#6d28d9', '#15803d', '#a16207', '#0e7490'];
export const colorAt = (i: number) => SERIES_COLORS[i % SERIES_COLORS.length]!;

/**
 * Turns long rows (date, series, value) into recharts rows ({date, seriesA, seriesB}). With `zero`, a
 * series without a row on a date counts 0 (counts); without it the gap stays empty (averages).
 */
export function pivot(rows: { date: string; series: string; value: number }[], zero = false): { data: Record<string, string | number>[]; series: string[] } {
  const series: string[] = [];
  const byDate = new Map<string, Record<string, string | number>>();
  for (const r of rows) {
    if (!series.includes(r.series)) series.push(r.series);
    const row = byDate.get(r.date) ?? { date: r.date };
    row[r.series] = ((row[r.series] as number | undefined) ?? 0) + r.value;
    byDate.set(r.date, row);
  }
  const data = [...byDate.values()].sort((a, b) => String(a.date).localeCompare(String(b.date)));
  if (zero) for (const row of data) for (const s of series) row[s] ??= 0;
  return { data, series };
}
