import { useEffect, useMemo } from 'react';
import { useLocation } from 'react-router-dom';
import { addArea } from '../lib/i18n';
import { customerStrings } from './strings';
import { CustomerLayout } from './Layout';
import { Journey } from './Journey';
import type { By } from './customer-api';
import { registerServiceWorker } from './sw-register';

addArea('customer', customerStrings);

/** `/f/:qrToken` (scanned QR code) or `/s[/:storeCode]` (typed store code). */
function entryFromPath(pathname: string): { by: By | null; code: string } {
  const qr = /^\/f\/([^/?#]+)/.exec(pathname);
  if (qr) return { by: { qrToken: decodeURIComponent(qr[1] ?? '') }, code: '' };
  const store = /^\/s\/(\d{6})\/?$/.exec(pathname);
  return { by: null, code: store?.[1] ?? '' };
}

export default function CustomerApp() {
  const { pathname } = useLocation();
  const entry = useMemo(() => entryFromPath(pathname), [pathname]);
  useEffect(registerServiceWorker, []);
  return (
    <CustomerLayout>
      <Journey key={pathname} initialBy={entry.by} initialCode={entry.code} />
    </CustomerLayout>
  );
}
