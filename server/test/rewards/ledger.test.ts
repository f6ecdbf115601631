import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  balances,
  checkLedger,
  customerOwedMinor,
  payoutEntries,
  payoutFailedEntries,
  payoutSettledEntries,
  reversalEntries,
  rewardEntries,
  type LedgerEntry,
  type LedgerResult,
} from '../../src/rewards/ledger.js';

/** Appends a successful result to the ledger, failing the test otherwise. */
function apply(ledger: LedgerEntry[], result: LedgerResult): LedgerEntry[] {
  if (!result.ok) throw new Error(`unexpected ${result.error.code}: ${result.error.message}`);
  ledger.push(...result.entries);
  return ledger;
}

const errorCode = (r: LedgerResult): string | null => (r.ok ? null : r.error.code);

function rewarded(amountMinor = 1_000): LedgerEntry[] {
  return apply([], rewardEntries([], { txnId: 'r1', businessId: 'b1', customerId: 'c1', amountMinor, ref: 'sess1' }));
}

describe('rewards and payouts', () => {
  it('a reward debits the business and makes the customer owed', () => {
    const ledger = rewarded(1_000);
    expect(ledger).toEqual([
      { txnId: 'r1', account: 'business:b1:rewards_expense', amountMinor: 1_000, kind: 'reward', ref: 'sess1' },
      { txnId: 'r1', account: 'customer:c1:payable', amountMinor: -1_000, kind: 'reward', ref: 'sess1' },
    ]);
    expect(customerOwedMinor(ledger, 'c1')).toBe(1_000);
    expect(checkLedger(ledger)).toEqual([]);
  });

  it('a payout moves the balance to clearing; settlement moves it out to the bank', () => {
    const ledger = rewarded(1_000);
    apply(ledger, payoutEntries(ledger, { txnId: 'p1', customerId: 'c1', amountMinor: 1_000, ref: 'batch1' }));
    expect(customerOwedMinor(ledger, 'c1')).toBe(0);
    apply(ledger, payoutSettledEntries(ledger, { txnId: 's1', payoutTxnId: 'p1' }));
    const b = balances(ledger);
    expect(b.get('platform:payouts_clearing')).toBe(0);
    expect(b.get('platform:bank')).toBe(-1_000);
    expect(checkLedger(ledger)).toEqual([]);
  });

  it('a payout cannot exceed the balance, be zero or be booked twice', () => {
    const ledger = rewarded(1_000);
    expect(errorCode(payoutEntries(ledger, { txnId: 'p1', customerId: 'c1', amountMinor: 1_001, ref: 'x' }))).toBe('insufficient_balance');
    expect(errorCode(payoutEntries(ledger, { txnId: 'p1', customerId: 'c2', amountMinor: 1, ref: 'x' }))).toBe('insufficient_balance');
    expect(errorCode(payoutEntries(ledger, { txnId: 'p1', customerId: 'c1', amountMinor: 0, ref: 'x' }))).toBe('invalid_amount');
    expect(errorCode(payoutEntries(ledger, { txnId: 'r1', customerId: 'c1', amountMinor: 10, ref: 'x' }))).toBe('duplicate_txn');
    apply(ledger, payoutEntries(ledger, { txnId: 'p1', customerId: 'c1', amountMinor: 600, ref: 'x' }));
    expect(errorCode(payoutEntries(ledger, { txnId: 'p2', customerId: 'c1', amountMinor: 401, ref: 'x' }))).toBe('insufficient_balance');
  });

  it('a failed payout makes the customer owed again, once; a closed payout cannot change state', () => {
    const ledger = rewarded(1_000);
    apply(ledger, payoutEntries(ledger, { txnId: 'p1', customerId: 'c1', amountMinor: 1_000, ref: 'x' }));
    apply(ledger, payoutFailedEntries(ledger, { txnId: 'f1', payoutTxnId: 'p1' }));
    expect(customerOwedMinor(ledger, 'c1')).toBe(1_000);
    expect(errorCode(payoutFailedEntries(ledger, { txnId: 'f2', payoutTxnId: 'p1' }))).toBe('payout_closed');
    expect(errorCode(payoutSettledEntries(ledger, { txnId: 's1', payoutTxnId: 'p1' }))).toBe('payout_closed');
    expect(errorCode(payoutSettledEntries(ledger, { txnId: 's1', payoutTxnId: 'nope' }))).toBe('unknown_payout');
    expect(checkLedger(ledger)).toEqual([]);
  });

  it('rejects ids that would corrupt account names', () => {
    expect(errorCode(rewardEntries([], { txnId: 't', businessId: 'b:1', customerId: 'c', amountMinor: 1, ref: '' }))).toBe('invalid_id');
    expect(errorCode(rewardEntries([], { txnId: 't', businessId: 'b', customerId: 'c 1', amountMinor: 1, ref: '' }))).toBe('invalid_id');
    expect(errorCode(rewardEntries([], { txnId: '', businessId: 'b', customerId: 'c', amountMinor: 1, ref: '' }))).toBe('invalid_id');
    expect(errorCode(rewardEntries([], { txnId: 't', businessId: 'b', customerId: 'c', amountMinor: 1.5, ref: '' }))).toBe('invalid_amount');
  });
});

describe('reversals (refund claw-back)', () => {
  it('before payout: fully clawed back from the customer', () => {
    const ledger = rewarded(1_000);
    apply(ledger, reversalEntries(ledger, { txnId: 'v1', rewardTxnId: 'r1' }));
    const b = balances(ledger);
    expect(b.get('business:b1:rewards_expense')).toBe(0);
    expect(customerOwedMinor(ledger, 'c1')).toBe(0);
    expect(b.has('business:b1:reversal_writeoff')).toBe(false);
  });

  it('after payout: the customer never owes us; the rest is written off against the business', () => {
    const ledger = rewarded(1_000);
    apply(ledger, payoutEntries(ledger, { txnId: 'p1', customerId: 'c1', amountMinor: 600, ref: 'x' }));
    apply(ledger, reversalEntries(ledger, { txnId: 'v1', rewardTxnId: 'r1' }));
    const b = balances(ledger);
    expect(customerOwedMinor(ledger, 'c1')).toBe(0);
    expect(b.get('business:b1:rewards_expense')).toBe(0);
    expect(b.get('business:b1:reversal_writeoff')).toBe(600);
    expect(ledger.filter((e) => e.txnId === 'v1').every((e) => e.kind === 'reversal' && e.ref === 'r1')).toBe(true);
    expect(checkLedger(ledger)).toEqual([]);
  });

  it('partial reversals add up to the reward and no further', () => {
    const ledger = rewarded(1_000);
    apply(ledger, reversalEntries(ledger, { txnId: 'v1', rewardTxnId: 'r1', amountMinor: 300 }));
    expect(errorCode(reversalEntries(ledger, { txnId: 'v2', rewardTxnId: 'r1', amountMinor: 701 }))).toBe('exceeds_reward');
    apply(ledger, reversalEntries(ledger, { txnId: 'v2', rewardTxnId: 'r1' })); // the remaining 700
    expect(customerOwedMinor(ledger, 'c1')).toBe(0);
    expect(errorCode(reversalEntries(ledger, { txnId: 'v3', rewardTxnId: 'r1' }))).toBe('invalid_amount');
    expect(errorCode(reversalEntries(ledger, { txnId: 'v3', rewardTxnId: 'r1', amountMinor: 1 }))).toBe('exceeds_reward');
    expect(errorCode(reversalEntries(ledger, { txnId: 'v3', rewardTxnId: 'p9' }))).toBe('unknown_reward');
  });
});

describe('checkLedger finds broken ledgers', () => {
  const e = (txnId: string, account: LedgerEntry['account'], amountMinor: number, kind: LedgerEntry['kind'] = 'reward'): LedgerEntry => ({ txnId, account, amountMinor, kind, ref: '' });

  it.each<[string, LedgerEntry[], RegExp]>([
    ['an unbalanced transaction', [e('t1', 'business:b:rewards_expense', 100), e('t1', 'customer:c:payable', -99)], /t1 does not balance \(sum 1\)/],
    ['a customer owing us', [e('t1', 'customer:c:payable', 100, 'payout'), e('t1', 'platform:payouts_clearing', -100, 'payout')], /customer:c:payable is owed a negative balance \(-100\)/],
    ['a split transaction', [e('t1', 'business:b:rewards_expense', 1), e('t2', 'business:b:rewards_expense', 0), e('t1', 'customer:c:payable', -1)], /t1 is split/],
    ['a zero entry', [e('t1', 'business:b:rewards_expense', 0)], /non-zero integer/],
    ['a fractional entry', [e('t1', 'business:b:rewards_expense', 0.5), e('t1', 'customer:c:payable', -0.5)], /non-zero integer/],
    ['mixed kinds', [e('t1', 'business:b:rewards_expense', 1), e('t1', 'customer:c:payable', -1, 'reversal')], /mixes kinds/],
  ])('%s', (_name, entries, pattern) => {
    expect(checkLedger(entries).join('\n')).toMatch(pattern);
  });
});

type Command =
  | { op: 'reward'; business: number; customer: number; amount: number }
  | { op: 'reverse'; pick: number; amount: number | null }
  | { op: 'payout'; customer: number; amount: number; mode: 'fixed' | 'all' | 'half' | 'over' }
  | { op: 'settle' | 'fail'; pick: number };

const amount = fc.integer({ min: 1, max: 50_000 });
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ op: fc.constant('reward' as const), business: fc.nat(2), customer: fc.nat(2), amount }),
  fc.record({ op: fc.constant('reverse' as const), pick: fc.nat(), amount: fc.option(amount, { nil: null }) }),
  // Payouts relative to the balance too, or random amounts would almost never fit.
  fc.record({ op: fc.constant('payout' as const), customer: fc.nat(2), amount, mode: fc.constantFrom('fixed' as const, 'all' as const, 'half' as const, 'over' as const) }),
  fc.record({ op: fc.constantFrom('settle' as const, 'fail' as const), pick: fc.nat() }),
);

/** Runs commands through the builders, keeping only what they accept. */
function run(commands: Command[]): { ledger: LedgerEntry[]; payoutChecks: [number, number, boolean][] } {
  const ledger: LedgerEntry[] = [];
  const payoutChecks: [number, number, boolean][] = [];
  const ids = (kind: LedgerEntry['kind']): string[] => [...new Set(ledger.filter((x) => x.kind === kind).map((x) => x.txnId))];
  commands.forEach((c, i) => {
    const txnId = `t${i}`;
    let result: LedgerResult;
    if (c.op === 'reward') result = rewardEntries(ledger, { txnId, businessId: `b${c.business}`, customerId: `c${c.customer}`, amountMinor: c.amount, ref: `s${i}` });
    else if (c.op === 'reverse') result = reversalEntries(ledger, { txnId, rewardTxnId: ids('reward')[c.pick % Math.max(1, ids('reward').length)] ?? 'none', amountMinor: c.amount ?? undefined });
    else if (c.op === 'payout') {
      const owed = customerOwedMinor(ledger, `c${c.customer}`);
      const amountMinor = { fixed: c.amount, all: owed, half: Math.floor(owed / 2), over: owed + 1 }[c.mode];
      result = payoutEntries(ledger, { txnId, customerId: `c${c.customer}`, amountMinor, ref: `p${i}` });
      payoutChecks.push([amountMinor, owed, result.ok]);
    } else {
      const payouts = ids('payout');
      const payoutTxnId = payouts[c.pick % Math.max(1, payouts.length)] ?? 'none';
      result = c.op === 'settle' ? payoutSettledEntries(ledger, { txnId, payoutTxnId }) : payoutFailedEntries(ledger, { txnId, payoutTxnId });
    }
    if (result.ok) ledger.push(...result.entries);
  });
  return { ledger, payoutChecks };
}

describe('ledger properties over random histories', () => {
  const histories = fc.array(command, { minLength: 1, maxLength: 60, size: 'max' });

  it('every transaction balances, nobody is owed less than zero, and the whole ledger sums to zero', () => {
    fc.assert(
      fc.property(histories, (commands) => {
        const { ledger } = run(commands);
        expect(checkLedger(ledger)).toEqual([]);
        expect(ledger.reduce((s, x) => s + x.amountMinor, 0)).toBe(0);
        for (let c = 0; c <= 3; c++) expect(customerOwedMinor(ledger, `c${c}`)).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('a payout is accepted exactly when it fits the balance', () => {
    fc.assert(
      fc.property(histories, (commands) => {
        for (const [amountMinor, owed, ok] of run(commands).payoutChecks) expect(ok).toBe(amountMinor > 0 && amountMinor <= owed);
      }),
    );
  });

  it('money is conserved: what businesses are charged = owed + in flight + paid out', () => {
    fc.assert(
      fc.property(histories, (commands) => {
        const b = balances(run(commands).ledger);
        let charged = 0;
        let owed = 0;
        for (const [account, value] of b) {
          if (account.startsWith('business:')) charged += value;
          if (account.startsWith('customer:')) owed -= value;
        }
        const inFlight = -(b.get('platform:payouts_clearing') ?? 0);
        const paid = -(b.get('platform:bank') ?? 0);
        expect(inFlight).toBeGreaterThanOrEqual(0);
        expect(charged).toBe(owed + inFlight + paid);
      }),
    );
  });
});
