import { useId, useState, type ButtonHTMLAttributes, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../lib/api';
import { Loading } from '../../lib/Loading';
import type { Resource } from './useApi';

type Variant = 'primary' | 'secondary' | 'danger';
const VARIANTS: Record<Variant, string> = {
  primary: 'bg-teal-700 text-white hover:bg-teal-800 disabled:bg-stone-400',
  secondary: 'border border-stone-300 bg-white text-stone-900 hover:bg-stone-100 disabled:text-stone-400',
  danger: 'bg-red-700 text-white hover:bg-red-800 disabled:bg-stone-400',
};

export function Button({ variant = 'primary', className = '', ...rest }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant }) {
  return (
    <button
      type="button"
      className={`inline-flex items-center justify-center gap-1 rounded-md px-3 py-2 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-teal-600 focus-visible:ring-offset-2 ${VARIANTS[variant]} ${className}`}
      {...rest}
    />
  );
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="mb-6 flex flex-wrap items-center justify-between gap-3">
      <h1 className="text-2xl font-semibold text-stone-900">{title}</h1>
      {children && <div className="flex flex-wrap items-center gap-2">{children}</div>}
    </div>
  );
}

export function Card({ title, children, className = '', actions }: { title?: string; children: ReactNode; className?: string; actions?: ReactNode }) {
  return (
    <section className={`rounded-lg border border-stone-200 bg-white p-4 shadow-sm ${className}`}>
      {(title || actions) && (
        <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
          {title && <h2 className="text-lg font-semibold text-stone-800">{title}</h2>}
          {actions}
        </div>
      )}
      {children}
    </section>
  );
}

export function Kpi({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="rounded-lg border border-stone-200 bg-white p-4 shadow-sm">
      <p className="text-sm text-stone-600">{label}</p>
      <p className="mt-1 text-2xl font-semibold text-stone-900">{value}</p>
      {hint && <p className="mt-1 text-xs text-stone-600">{hint}</p>}
    </div>
  );
}

interface FieldProps {
  label: string;
  hint?: string;
  error?: string;
}

export function Field({ label, hint, error, className = '', ...rest }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className={`flex flex-col gap-1 ${className}`}>
      <label htmlFor={id} className="text-sm font-medium text-stone-800">{label}</label>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={hint || error ? `${id}-d` : undefined} className="rounded-md border border-stone-300 bg-white px-3 py-2 text-sm focus:border-teal-600 focus:outline-none focus:ring-2 focus:ring-teal-600/30" {...rest} />
      {(hint || error) && <p id={`${id}-d`} className={`text-xs ${error ? 'text-red-700' : 'text-stone-600'}`}>{error ?? hint}</p>}
    </div>
  );
}

export function TextArea({ label, hint, className = '', ...rest }: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = useId();
  return (
    <div className={`flex flex-col gap-1 ${className}`}>
      <label htmlFor={id} className="text-sm font-medium text-stone-800">{label}</label>
      <textarea id={id} aria-describedby={hint ? `${id}-d` : undefined} className="min-h-24 rounded-md border border-stone-300 bg-white px-3 py-2 text-sm focus:border-teal-600 focus:outline-none focus:ring-2 focus:ring-teal-600/30" {...rest} />
      {hint && <p id={`${id}-d`} className="text-xs text-stone-600">{hint}</p>}
    </div>
  );
}

export function Select({ label, children, className = '', ...rest }: { label: string; children: ReactNode } & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  return (
    <div className={`flex flex-col gap-1 ${className}`}>
      <label htmlFor={id} className="text-sm font-medium text-stone-800">{label}</label>
      <select id={id} className="rounded-md border border-stone-300 bg-white px-3 py-2 text-sm focus:border-teal-600 focus:outline-none focus:ring-2 focus:ring-teal-600/30" {...rest}>
        {children}
      </select>
    </div>
  );
}

/** Explains an API error in the viewer's language; validation details from the server are listed as sent. */
export function ErrorBox({ error }: { error: ApiError | null }) {
  const { t } = useTranslation('console');
  if (!error) return null;
  let text = error.message;
  if (error.status === 0) text = t('common:networkError');
  else if (error.status === 401) text = t('sessionExpired');
  else if (error.status === 403) text = t('forbidden');
  else if (error.status === 404 && error.code === 'route_not_found') text = t('notAvailable');
  const details = Array.isArray(error.details) ? (error.details as { message?: string; path?: unknown }[]) : [];
  return (
    <div role="alert" className="my-3 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
      <p>{text}</p>
      {details.length > 0 && (
        <ul className="mt-1 list-disc pl-5">
          {details.slice(0, 8).map((d, i) => (
            <li key={i}>{[Array.isArray(d.path) ? d.path.join('.') : '', d.message].filter(Boolean).join(': ')}</li>
          ))}
        </ul>
      )}
      <p className="mt-1 text-xs text-red-800">{t('errorCode', { code: error.code })}</p>
    </div>
  );
}

export function NotAvailable() {
  const { t } = useTranslation('console');
  return (
    <p role="status" className="rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900">
      {t('notAvailable')}
    </p>
  );
}

export function Empty({ children }: { children?: ReactNode }) {
  const { t } = useTranslation('console');
  return <p className="py-6 text-center text-sm text-stone-600">{children ?? t('none')}</p>;
}

/** Renders a resource's loading / not-available / error states, or its content. */
export function Loaded<T>({ res, children }: { res: Resource<T>; children: (data: T) => ReactNode }) {
  if (res.notAvailable) return <NotAvailable />;
  if (res.error && !res.data) return <ErrorBox error={res.error} />;
  if (!res.data) return <Loading />;
  return <>{children(res.data)}</>;
}

export function Badge({ tone = 'neutral', children }: { tone?: 'neutral' | 'good' | 'warn' | 'bad'; children: ReactNode }) {
  const tones = { neutral: 'bg-stone-100 text-stone-800', good: 'bg-teal-100 text-teal-900', warn: 'bg-amber-100 text-amber-900', bad: 'bg-red-100 text-red-900' };
  return <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium ${tones[tone]}`}>{children}</span>;
}

export function Table({ caption, head, children }: { caption: string; head: string[]; children: ReactNode }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[36rem] text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b border-stone-200 text-stone-600">
          <tr>{head.map((h) => <th key={h} scope="col" className="px-2 py-2 font-medium">{h}</th>)}</tr>
        </thead>
        <tbody className="divide-y divide-stone-100">{children}</tbody>
      </table>
    </div>
  );
}

export const Td = ({ children, className = '' }: { children?: ReactNode; className?: string }) => <td className={`px-2 py-2 align-top ${className}`}>{children}</td>;

export function CopyButton({ text }: { text: string }) {
  const { t } = useTranslation('console');
  const [done, setDone] = useState(false);
  return (
    <Button
      variant="secondary"
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => {
          setDone(true);
          setTimeout(() => setDone(false), 2000);
        });
      }}
    >
      <span aria-live="polite">{done ? t('copied') : t('copy')}</span>
    </Button>
  );
}

export function SavedNote({ show }: { show: boolean }) {
  const { t } = useTranslation('console');
  return <span role="status" className="text-sm text-teal-800">{show ? t('saved') : ''}</span>;
}
