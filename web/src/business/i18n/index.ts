import { addArea } from '../../lib/i18n';
import { registerConsoleStrings } from '../common/strings';
import { en } from './en';
import { sv } from './sv';

export function registerBusinessStrings(): void {
  registerConsoleStrings();
  addArea('business', { sv, en });
}
