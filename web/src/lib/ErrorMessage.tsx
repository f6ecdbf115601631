import type { ReactNode } from 'react';

/** An error box announced to screen readers (role="alert"), with an optional action such as "Try again". */
export function ErrorMessage({ title, children, action, testId }: { title?: ReactNode; children?: ReactNode; action?: ReactNode; testId?: string }) {
  return (
    <div role="alert" data-testid={testId} className="flex flex-col gap-2 rounded-lg border border-red-300 bg-red-50 p-4 text-red-900">
      {title ? <p className="font-semibold">{title}</p> : null}
      {children ? <div>{children}</div> : null}
      {action ? <div>{action}</div> : null}
    </div>
  );
}

/** A neutral notice (info) box, announced politely. */
export function Notice({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <div role="status" data-testid={testId} className="rounded-lg border border-teal-200 bg-teal-50 p-3 text-sm text-teal-950">
      {children}
    </div>
  );
}
