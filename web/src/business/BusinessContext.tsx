import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import type { Membership } from './common/auth';

const STORAGE_KEY = 'kvittra.business';

interface Current {
  membership: Membership;
  /** API prefix for everything this business owns. */
  base: string;
  isOwner: boolean;
  memberships: Membership[];
  select: (businessId: string) => void;
}

const Ctx = createContext<Current | null>(null);

/** The business the user is looking at; remembered per browser for users with several memberships. */
export function BusinessProvider({ memberships, children }: { memberships: Membership[]; children: ReactNode }) {
  const [selected, setSelected] = useState<string | null>(() => localStorage.getItem(STORAGE_KEY));
  const membership = memberships.find((m) => m.businessId === selected) ?? memberships[0]!;
  const value = useMemo<Current>(
    () => ({
      membership,
      base: `/admin/businesses/${membership.businessId}`,
      isOwner: membership.role === 'owner',
      memberships,
      select: (id) => {
        localStorage.setItem(STORAGE_KEY, id);
        setSelected(id);
      },
    }),
    [membership, memberships],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useBusiness(): Current {
  const c = useContext(Ctx);
  if (!c) throw new Error('useBusiness outside BusinessProvider');
  return c;
}
