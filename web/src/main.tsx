import { StrictMode, Suspense, lazy } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { initI18n } from './lib/i18n';
import { Landing } from './landing/Landing';
import { Loading } from './lib/Loading';
import './index.css';

// Each face of the platform is its own chunk: a customer on a phone never downloads the dashboard.
const CustomerApp = lazy(() => import('./customer/CustomerApp'));
const BusinessApp = lazy(() => import('./business/BusinessApp'));
const AdminApp = lazy(() => import('./admin/AdminApp'));

initI18n();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter>
      <Suspense fallback={<Loading />}>
        <Routes>
          <Route path="/" element={<Landing />} />
          <Route path="/f/*" element={<CustomerApp />} />
          <Route path="/s/*" element={<CustomerApp />} />
          <Route path="/business/*" element={<BusinessApp />} />
          <Route path="/admin/*" element={<AdminApp />} />
          <Route path="*" element={<Landing />} />
        </Routes>
      </Suspense>
    </BrowserRouter>
  </StrictMode>,
);
