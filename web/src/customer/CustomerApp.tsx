import { useTranslation } from 'react-i18next';

/** Placeholder: the customer area is being built. */
export default function CustomerApp() {
  const { t } = useTranslation();
  return <p className="p-6">{t('common:loading')}</p>;
}
