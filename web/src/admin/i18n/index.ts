import { addArea } from '../../lib/i18n';
import { registerBusinessStrings } from '../../business/i18n';
import { en } from './en';
import { sv } from './sv';

/** The admin console reuses the shared console strings and some business views (dead letters). */
export function registerAdminStrings(): void {
  registerBusinessStrings();
  addArea('admin', { sv, en });
}
