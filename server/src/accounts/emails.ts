import { z } from 'zod';

/** E-mail addresses are compared lower-cased and trimmed (case-insensitive uniqueness). */
export const normaliseEmail = (email: string) => email.trim().toLowerCase();
export const ZEmail = z.string().trim().max(254).pipe(z.email()).transform(normaliseEmail);
export const ZPassword = z.string().max(1024);
