import type { ButtonHTMLAttributes } from 'react';

type Variant = 'primary' | 'secondary' | 'ghost' | 'danger';

const VARIANTS: Record<Variant, string> = {
  primary: 'bg-teal-700 text-white hover:bg-teal-800 disabled:bg-stone-400',
  secondary: 'border border-teal-700 bg-white text-teal-800 hover:bg-teal-50 disabled:border-stone-300 disabled:text-stone-500',
  ghost: 'text-teal-800 underline underline-offset-2 hover:text-teal-950',
  danger: 'bg-red-700 text-white hover:bg-red-800 disabled:bg-stone-400',
};

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  /** Full width on phones (the default for primary actions in the customer app). */
  block?: boolean;
  busy?: boolean;
}

/**
 * The shared button: 44 px minimum touch target, visible focus ring, colours that keep AA contrast.
 * `busy` disables it and sets aria-busy so a double tap cannot send a request twice.
 */
export function Button({ variant = 'primary', block = false, busy = false, className = '', type = 'button', disabled, children, ...rest }: ButtonProps) {
  return (
    <button
      type={type}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      className={`inline-flex min-h-11 items-center justify-center gap-2 rounded-lg px-4 py-2 text-base font-semibold focus:outline-none focus-visible:ring-4 focus-visible:ring-teal-500/60 disabled:cursor-not-allowed ${VARIANTS[variant]} ${block ? 'w-full' : ''} ${className}`}
      {...rest}
    >
      {children}
    </button>
  );
}
