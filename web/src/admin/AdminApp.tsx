import { useTranslation } from 'react-i18next';

/** Placeholder: the admin area is being built. */
export default function AdminApp() {
  const { t } = useTranslation();
  return <p className="p-6">{t('common:loading')}</p>;
}
