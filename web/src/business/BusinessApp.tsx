import { useTranslation } from 'react-i18next';

/** Placeholder: the business area is being built. */
export default function BusinessApp() {
  const { t } = useTranslation();
  return <p className="p-6">{t('common:loading')}</p>;
}
