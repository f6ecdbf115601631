import { useTranslation } from 'react-i18next';

export function Loading() {
  const { t } = useTranslation();
  return (
    <p role="status" className="p-6 text-center text-stone-600">
      {t('common:loading')}
    </p>
  );
}
