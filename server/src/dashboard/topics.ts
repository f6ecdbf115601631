/** Words too common to be a topic (Swedish and English function words and feedback filler). */
const STOPWORDS = new Set(
  `och att det som en på är av för med till den har de inte om ett var jag men så vi kan när du från sig hade där
  här också mycket bara lite väldigt alla allt även eller efter utan under mer man min mitt mina ni nu något några
  sina sitt skulle ska blev blir vara varit hur vad vilken vilket dom dem honom henne han hon oss era er deras
  bra kanske tycker tyckte tack gärna riktigt helt rätt lite extra sedan sen mig dig
  the and for that with this was were are you but not have has had they them their there here very really just
  from what when which would could should about into also been more some than then too its it's our your
  good great nice`.split(/\s+/).filter(Boolean),
);

function words(text: string): string[] {
  return (text.toLowerCase().match(/\p{L}[\p{L}\p{N}'-]*/gu) ?? []).filter((w) => w.length >= 4 && !STOPWORDS.has(w));
}

/**
 * Recurring topics: words and adjacent word pairs counted once per feedback (so one long rant does not
 * dominate), keeping those that recur in at least two feedbacks; pairs win over their words when as frequent.
 */
export function topTopics(turns: { session_id: string; text: string }[], limit = 15): { topic: string; count: number }[] {
  const bySession = new Map<string, string[]>();
  for (const t of turns) bySession.set(t.session_id, [...(bySession.get(t.session_id) ?? []), ...words(t.text)]);
  const counts = new Map<string, number>();
  for (const ws of bySession.values()) {
    const seen = new Set<string>();
    ws.forEach((w, i) => {
      seen.add(w);
      if (i + 1 < ws.length && ws[i + 1] !== w) seen.add(`${w} ${ws[i + 1]}`);
    });
    for (const term of seen) counts.set(term, (counts.get(term) ?? 0) + 1);
  }
  const recurring = [...counts.entries()].filter(([, n]) => n >= 2);
  const pairs = new Map(recurring.filter(([t]) => t.includes(' ')));
  const covered = new Set<string>();
  for (const [pair, n] of pairs) for (const w of pair.split(' ')) if ((counts.get(w) ?? 0) <= n) covered.add(w);
  return recurring
    .filter(([t]) => !covered.has(t))
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([topic, count]) => ({ topic, count }));
}
