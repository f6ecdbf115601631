import { useEffect, useState } from 'react';

interface Health {
  ok: boolean;
  version: string;
  services: { database: { ok: boolean; dialect: string } };
}

/** Landing page until the customer app, dashboard and admin console arrive. */
export function Landing() {
  const [health, setHealth] = useState<Health | null>(null);
  useEffect(() => {
    fetch('/health')
      .then((r) => r.json() as Promise<Health>)
      .then(setHealth)
      .catch(() => setHealth(null));
  }, []);
  return (
    <main className="mx-auto flex min-h-screen max-w-xl flex-col justify-center gap-6 p-6">
      <h1 className="text-4xl font-bold text-teal-800">Kvittra</h1>
      <p className="text-lg">Kvittoverifierad kundfeedback för svenska butiker, kaféer och restauranger.</p>
      <p className="text-stone-600">Receipt-verified customer feedback for Swedish shops, cafés and restaurants.</p>
      <section aria-live="polite" className="rounded-lg border border-stone-200 bg-white p-4 text-sm">
        {health ? (
          <p>
            Status: <strong className={health.ok ? 'text-teal-700' : 'text-red-700'}>{health.ok ? 'i drift' : 'störning'}</strong> · v{health.version} · {health.services.database.dialect}
          </p>
        ) : (
          <p>Hämtar status…</p>
        )}
      </section>
      <nav className="flex gap-4 text-teal-800 underline">
        <a href="/docs">API-dokumentation</a>
        <a href="/health">Hälsa</a>
        <a href="/metrics">Mätvärden</a>
      </nav>
    </main>
  );
}
