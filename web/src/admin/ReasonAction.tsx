import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, ErrorBox } from '../business/common/ui';
import { useAction } from '../business/common/useApi';

/**
 * A button that opens a short "reason" field before acting: every operator decision that changes money,
 * bans or scores carries a written reason (the server requires at least 3 characters and audits it).
 */
export function ReasonAction({ label, variant = 'secondary', minLength = 3, onSubmit, onDone }: { label: string; variant?: 'primary' | 'secondary' | 'danger'; minLength?: number; onSubmit: (reason: string) => Promise<unknown>; onDone?: () => void }) {
  const { t } = useTranslation('admin');
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const action = useAction();
  async function submit(e: FormEvent) {
    e.preventDefault();
    if ((await action.run(() => onSubmit(reason.trim()).then(() => true))) === true) {
      setOpen(false);
      setReason('');
      onDone?.();
    }
  }
  if (!open) return <Button variant={variant} onClick={() => setOpen(true)}>{label}</Button>;
  return (
    <form onSubmit={(e) => void submit(e)} className="flex flex-wrap items-center gap-1">
      <label className="sr-only" htmlFor={`reason-${label}`}>{t('reason')}</label>
      <input id={`reason-${label}`} autoFocus placeholder={t('reasonPlaceholder', { n: minLength })} className="min-w-48 rounded border border-stone-300 px-2 py-1 text-sm" value={reason} onChange={(e) => setReason(e.target.value)} />
      <Button type="submit" variant={variant} disabled={action.busy || reason.trim().length < minLength}>{label}</Button>
      <Button onClick={() => setOpen(false)} variant="secondary">{t('console:cancel')}</Button>
      <ErrorBox error={action.error} />
    </form>
  );
}
