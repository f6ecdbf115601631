import { Suspense, lazy } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Route, Routes } from 'react-router-dom';
import { Loading } from '../lib/Loading';
import { AuthProvider, useAuth } from './common/auth';
import { LoginForm, AuthCard } from './common/LoginForm';
import { Shell, type NavItem } from './common/Shell';
import { registerBusinessStrings } from './i18n';
import { BusinessProvider } from './BusinessContext';
import { BusinessSwitcher } from './BusinessSwitcher';
import { InvitePage } from './auth/InvitePage';
import { ResetPage } from './auth/ResetPage';
import { FeedbackPage } from './pages/FeedbackPage';
import { FeedbackDetailPage } from './pages/FeedbackDetailPage';
import { LocationsPage } from './pages/LocationsPage';
import { PosterPage } from './pages/PosterPage';
import { PosPage } from './pages/PosPage';
import { RewardsPage } from './pages/RewardsPage';
import { ContextPage } from './pages/ContextPage';
import { VerificationPage } from './pages/VerificationPage';
import { TeamPage } from './pages/TeamPage';
import { WebhooksPage } from './pages/WebhooksPage';

registerBusinessStrings();

// The chart pages carry recharts; they load on first visit so the other pages stay light.
const OverviewPage = lazy(() => import('./pages/OverviewPage').then((m) => ({ default: m.OverviewPage })));
const InsightsPage = lazy(() => import('./pages/InsightsPage').then((m) => ({ default: m.InsightsPage })));

/** The merchant dashboard at /business: signed-out pages, then the shell for members of a business. */
export default function BusinessApp() {
  return (
    <AuthProvider>
      <Routes>
        <Route path="invite" element={<InvitePage />} />
        <Route path="reset" element={<ResetPage />} />
        <Route path="*" element={<Gate />} />
      </Routes>
    </AuthProvider>
  );
}

function Gate() {
  const { t } = useTranslation('business');
  const { status, user, logout } = useAuth();
  if (status === 'loading') return <Loading />;
  if (status === 'anonymous' || !user) {
    return (
      <Routes>
        <Route path="login" element={<LoginForm title={t('auth.loginTitle')} subtitle={t('auth.loginSubtitle')} footer={<Link className="text-teal-800 underline" to="/business/reset">{t('auth.forgot')}</Link>} />} />
        <Route path="*" element={<Navigate to="/business/login" replace />} />
      </Routes>
    );
  }
  if (user.memberships.length === 0) {
    return (
      <AuthCard title={t('auth.noBusinessTitle')}>
        <p className="text-sm">{t(user.role === 'admin' ? 'auth.noBusinessAdmin' : 'auth.noBusiness')}</p>
        <div className="mt-4 flex gap-3 text-sm">
          {user.role === 'admin' && <a className="text-teal-800 underline" href="/admin">{t('auth.toAdmin')}</a>}
          <button type="button" className="text-teal-800 underline" onClick={() => void logout()}>{t('auth.logout')}</button>
        </div>
      </AuthCard>
    );
  }
  return (
    <BusinessProvider memberships={user.memberships}>
      <Dashboard />
    </BusinessProvider>
  );
}

function Dashboard() {
  const { t } = useTranslation('business');
  const nav: NavItem[] = [
    { to: '/business', label: t('nav.overview'), end: true },
    { to: '/business/feedback', label: t('nav.feedback') },
    { to: '/business/insights', label: t('nav.insights') },
    { to: '/business/locations', label: t('nav.locations') },
    { to: '/business/pos', label: t('nav.pos') },
    { to: '/business/rewards', label: t('nav.rewards') },
    { to: '/business/context', label: t('nav.context') },
    { to: '/business/verification', label: t('nav.verification') },
    { to: '/business/team', label: t('nav.team') },
    { to: '/business/webhooks', label: t('nav.webhooks') },
  ];
  return (
    <Routes>
      {/* The poster is printed without the console around it. */}
      <Route path="locations/:locationId/poster" element={<PosterPage />} />
      <Route
        path="*"
        element={
          <Shell brand={t('brand')} nav={nav} topSlot={<BusinessSwitcher />}>
            <Suspense fallback={<Loading />}>
            <Routes>
              <Route index element={<OverviewPage />} />
              <Route path="login" element={<Navigate to="/business" replace />} />
              <Route path="feedback" element={<FeedbackPage />} />
              <Route path="feedback/:feedbackId" element={<FeedbackDetailPage />} />
              <Route path="insights" element={<InsightsPage />} />
              <Route path="locations" element={<LocationsPage />} />
              <Route path="pos" element={<PosPage />} />
              <Route path="rewards" element={<RewardsPage />} />
              <Route path="context" element={<ContextPage />} />
              <Route path="verification" element={<VerificationPage />} />
              <Route path="team" element={<TeamPage />} />
              <Route path="webhooks" element={<WebhooksPage />} />
              <Route path="*" element={<Navigate to="/business" replace />} />
            </Routes>
            </Suspense>
          </Shell>
        }
      />
    </Routes>
  );
}
