import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { maskPhone } from '../../src/rewards/business-payouts.js';

describe('maskPhone (payout history shown to businesses)', () => {
  it('keeps only the last two digits', () => {
    expect(maskPhone('+46701234567')).toBe('••••67');
  });

  it('never reveals more than two digits of any number', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (phone) => {
        const masked = maskPhone(phone);
        expect(masked.replace(/\D/g, '').length).toBeLessThanOrEqual(2);
        expect(phone.replace(/\D/g, '').endsWith(masked.replace(/\D/g, ''))).toBe(true);
      }),
    );
  });
});
