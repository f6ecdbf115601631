import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes } from 'react-router-dom';
import { Loading } from '../lib/Loading';
import { AuthProvider, useAuth } from '../business/common/auth';
import { AuthCard, LoginForm } from '../business/common/LoginForm';
import { Shell, type NavItem } from '../business/common/Shell';
import { registerAdminStrings } from './i18n';
import { BusinessesPage } from './pages/BusinessesPage';
import { UsersPage } from './pages/UsersPage';
import { PosHealthPage } from './pages/PosHealthPage';
import { WebhooksAdminPage } from './pages/WebhooksAdminPage';
import { FraudPage } from './pages/FraudPage';
import { BansPage } from './pages/BansPage';
import { ScoreOverridesPage } from './pages/ScoreOverridesPage';
import { LiveSessionsPage } from './pages/LiveSessionsPage';
import { PayoutsPage } from './pages/PayoutsPage';
import { BillingPage } from './pages/BillingPage';
import { SwedishContextPage } from './pages/SwedishContextPage';
import { AuditLogPage } from './pages/AuditLogPage';

registerAdminStrings();

/** The operator console at /admin; only users with role admin get past the login. */
export default function AdminApp() {
  return (
    <AuthProvider>
      <Gate />
    </AuthProvider>
  );
}

function Gate() {
  const { t } = useTranslation('admin');
  const { status, user, logout } = useAuth();
  if (status === 'loading') return <Loading />;
  if (status === 'anonymous' || !user) {
    return (
      <Routes>
        <Route path="login" element={<LoginForm title={t('loginTitle')} subtitle={t('loginSubtitle')} />} />
        <Route path="*" element={<Navigate to="/admin/login" replace />} />
      </Routes>
    );
  }
  if (user.role !== 'admin') {
    return (
      <AuthCard title={t('notOperatorTitle')}>
        <p className="text-sm">{t('notOperator')}</p>
        <div className="mt-4 flex gap-3 text-sm">
          <a className="text-teal-800 underline" href="/business">{t('toBusiness')}</a>
          <button type="button" className="text-teal-800 underline" onClick={() => void logout()}>{t('console:logout')}</button>
        </div>
      </AuthCard>
    );
  }
  const nav: NavItem[] = [
    { to: '/admin', label: t('nav.businesses'), end: true },
    { to: '/admin/users', label: t('nav.users') },
    { to: '/admin/pos', label: t('nav.pos') },
    { to: '/admin/webhooks', label: t('nav.webhooks') },
    { to: '/admin/fraud', label: t('nav.fraud') },
    { to: '/admin/bans', label: t('nav.bans') },
    { to: '/admin/score-overrides', label: t('nav.overrides') },
    { to: '/admin/live', label: t('nav.live') },
    { to: '/admin/payouts', label: t('nav.payouts') },
    { to: '/admin/billing', label: t('nav.billing') },
    { to: '/admin/swedish', label: t('nav.swedish') },
    { to: '/admin/audit', label: t('nav.audit') },
  ];
  return (
    <Shell brand={t('brand')} nav={nav}>
      <Routes>
        <Route index element={<BusinessesPage />} />
        <Route path="login" element={<Navigate to="/admin" replace />} />
        <Route path="users" element={<UsersPage />} />
        <Route path="pos" element={<PosHealthPage />} />
        <Route path="webhooks" element={<WebhooksAdminPage />} />
        <Route path="fraud" element={<FraudPage />} />
        <Route path="bans" element={<BansPage />} />
        <Route path="score-overrides" element={<ScoreOverridesPage />} />
        <Route path="live" element={<LiveSessionsPage />} />
        <Route path="payouts" element={<PayoutsPage />} />
        <Route path="billing" element={<BillingPage />} />
        <Route path="swedish" element={<SwedishContextPage />} />
        <Route path="audit" element={<AuditLogPage />} />
        <Route path="*" element={<Navigate to="/admin" replace />} />
      </Routes>
    </Shell>
  );
}
