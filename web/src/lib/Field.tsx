import { useId, type InputHTMLAttributes, type ReactNode, type TextareaHTMLAttributes } from 'react';

interface FieldShell {
  label: ReactNode;
  hint?: ReactNode;
  error?: ReactNode;
}

const INPUT = 'block w-full rounded-lg border bg-white px-3 py-2 text-base text-stone-900 focus:outline-none focus-visible:ring-4 focus-visible:ring-teal-500/50';

function describedBy(id: string, hint?: ReactNode, error?: ReactNode): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function Help({ id, hint, error }: { id: string; hint?: ReactNode; error?: ReactNode }) {
  return (
    <>
      {hint ? (
        <p id={`${id}-hint`} className="text-sm text-stone-600">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="text-sm font-medium text-red-700">
          {error}
        </p>
      ) : null}
    </>
  );
}

/** A labelled input with hint and error wired up through aria-describedby / aria-invalid. */
export function Field({ label, hint, error, className = '', id: givenId, ...input }: FieldShell & InputHTMLAttributes<HTMLInputElement>) {
  const autoId = useId();
  const id = givenId ?? autoId;
  return (
    <div className={`flex flex-col gap-1 ${className}`}>
      <label htmlFor={id} className="font-medium">
        {label}
      </label>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} className={`${INPUT} ${error ? 'border-red-700' : 'border-stone-400'}`} {...input} />
      <Help id={id} hint={hint} error={error} />
    </div>
  );
}

/** A labelled multi-line text field. */
export function TextAreaField({ label, hint, error, className = '', id: givenId, ...area }: FieldShell & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const autoId = useId();
  const id = givenId ?? autoId;
  return (
    <div className={`flex flex-col gap-1 ${className}`}>
      <label htmlFor={id} className="font-medium">
        {label}
      </label>
      <textarea id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} className={`${INPUT} min-h-32 ${error ? 'border-red-700' : 'border-stone-400'}`} {...area} />
      <Help id={id} hint={hint} error={error} />
    </div>
  );
}
