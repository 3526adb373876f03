/**
 * The rules of constant updates (lambdas/domain/eta.ts): what a product save does to its date's window (a new
 * product's date is no change; a change opens a window, or joins the open one, or waits for a running
 * fan-out), the history's limit, whole days between dates, when a slip asks the shopper to choose and from
 * which date, the open question and its answer, the dates a shopper has seen, the email's ledger id. And the
 * parts a save adds to its own update (lambdas/store/eta-store.ts etaSaveParts): the revision it moves and is
 * conditioned on, and the window with its due-index keys.
 */
import {
  askOpen,
  asksToChoose,
  daysBetween,
  etaChoiceOf,
  etaEmailId,
  etaSave,
  ETA_HISTORY_LIMIT,
  historySince,
  historyWith,
  type EtaFanout,
  type EtaHistoryEntry,
  type EtaOfBackorder,
  type EtaSave,
  type EtaWindow,
} from '../../lambdas/domain/eta';
import { DUE_SHARDS } from '../../lambdas/domain/due-index';
import { shardOf } from '../../lambdas/domain/shards';
import { etaSaveParts } from '../../lambdas/store/eta-store';

const NOW = Date.parse('2027-03-01T10:20:30.000Z');
const WINDOW_MS = 600_000;
const UNTIL = '2027-03-01T10:30:30.000Z';

const fanout: EtaFanout = {
  version: 3,
  date: '2027-04-01',
  previous: '2027-03-20',
  productName: 'Organic Tee',
  leaseId: 'lease-1',
  leaseUntil: '2027-03-01T10:22:00.000Z',
  queued: 250,
  startedAt: '2027-03-01T10:19:00.000Z',
};
const openWindow: EtaWindow = { version: 4, until: '2027-03-01T10:25:00.000Z', previous: '2027-04-01' };

describe('etaSave: what a product save does to its announcements', () => {
  test("a new product's date is its first, not a change", () => {
    expect(etaSave(undefined, '2027-04-01', NOW, WINDOW_MS)).toEqual({ kind: 'unchanged' });
    expect(etaSave(undefined, null, NOW, WINDOW_MS)).toEqual({ kind: 'unchanged' });
    expect(etaSave(undefined, undefined, NOW, WINDOW_MS)).toEqual({ kind: 'unchanged' });
  });

  test('the same date is no change, and no date reads the same whether absent or null', () => {
    expect(etaSave({ expectedRestockDate: '2027-04-01' }, '2027-04-01', NOW, WINDOW_MS)).toEqual({
      kind: 'unchanged',
    });
    expect(etaSave({}, null, NOW, WINDOW_MS)).toEqual({ kind: 'unchanged' });
    expect(etaSave({ expectedRestockDate: null }, undefined, NOW, WINDOW_MS)).toEqual({ kind: 'unchanged' });
    expect(etaSave({ expectedRestockDate: null }, null, NOW, WINDOW_MS)).toEqual({ kind: 'unchanged' });
    // Even with a window open: a save that leaves the date alone does not touch it.
    expect(
      etaSave({ expectedRestockDate: '2027-04-01', etaWindow: openWindow }, '2027-04-01', NOW, WINDOW_MS),
    ).toEqual({ kind: 'unchanged' });
  });

  test('a changed date with no window opens the next version, due when the window ends', () => {
    expect(
      etaSave({ expectedRestockDate: '2027-04-01', etaVersion: 2 }, '2027-04-09', NOW, WINDOW_MS),
    ).toEqual({
      kind: 'open',
      window: { version: 3, until: UNTIL, previous: '2027-04-01' },
      dueAt: UNTIL,
    });
  });

  test('the first window is version 1; a date set where there was none remembers null', () => {
    expect(etaSave({}, '2027-04-09', NOW, WINDOW_MS)).toEqual({
      kind: 'open',
      window: { version: 1, until: UNTIL, previous: null },
      dueAt: UNTIL,
    });
    expect(etaSave({ expectedRestockDate: null, etaRev: 5 }, '2027-04-09', NOW, WINDOW_MS)).toMatchObject({
      window: { version: 1, previous: null },
    });
    // A date taken away is a change too.
    expect(etaSave({ expectedRestockDate: '2027-04-01' }, null, NOW, WINDOW_MS)).toEqual({
      kind: 'open',
      window: { version: 1, until: UNTIL, previous: '2027-04-01' },
      dueAt: UNTIL,
    });
  });

  test('the window lasts as long as it is configured to', () => {
    const save = etaSave({ expectedRestockDate: '2027-04-01' }, '2027-04-02', NOW, 30_000);
    expect(save).toMatchObject({ kind: 'open', window: { until: '2027-03-01T10:21:00.000Z' } });
  });

  test('a change during a fan-out opens the next window with no due time: the fan-out picks it up', () => {
    const save = etaSave(
      { expectedRestockDate: '2027-04-01', etaVersion: 3, etaFanout: fanout },
      '2027-04-05',
      NOW,
      WINDOW_MS,
    );
    expect(save).toEqual({ kind: 'open', window: { version: 4, until: UNTIL, previous: '2027-04-01' } });
    expect('dueAt' in save).toBe(false);
  });

  test('a change within an open window joins it, a change back to the date before included', () => {
    expect(
      etaSave(
        { expectedRestockDate: '2027-04-03', etaVersion: 4, etaWindow: openWindow },
        '2027-04-08',
        NOW,
        WINDOW_MS,
      ),
    ).toEqual({ kind: 'join' });
    // Put back where it was: still a join (the sweeper finds the date equal to `previous` and sends nothing).
    expect(
      etaSave({ expectedRestockDate: '2027-04-03', etaWindow: openWindow }, '2027-04-01', NOW, WINDOW_MS),
    ).toEqual({ kind: 'join' });
    // A window opened during a fan-out is joined the same way.
    expect(
      etaSave(
        { expectedRestockDate: '2027-04-03', etaWindow: openWindow, etaFanout: fanout },
        '2027-04-04',
        NOW,
        WINDOW_MS,
      ),
    ).toEqual({ kind: 'join' });
  });
});

describe('historyWith', () => {
  test('appends the announced date', () => {
    expect(historyWith(undefined, '2027-04-01', 'T1')).toEqual([{ date: '2027-04-01', at: 'T1' }]);
    expect(historyWith([{ date: null, at: 'T0' }], '2027-04-01', 'T1')).toEqual([
      { date: null, at: 'T0' },
      { date: '2027-04-01', at: 'T1' },
    ]);
  });

  test(`keeps the newest ${ETA_HISTORY_LIMIT} entries`, () => {
    const full = Array.from({ length: ETA_HISTORY_LIMIT }, (_, i) => ({ date: `d${i}`, at: `t${i}` }));
    const next = historyWith(full, 'new', 'now');
    expect(next).toHaveLength(ETA_HISTORY_LIMIT);
    expect(next[0]).toEqual({ date: 'd1', at: 't1' });
    expect(next.at(-1)).toEqual({ date: 'new', at: 'now' });
    // The stored history is not changed in place.
    expect(full).toHaveLength(ETA_HISTORY_LIMIT);
    expect(historyWith(full.slice(0, 5), 'x', 'y')).toHaveLength(6);
  });
});

describe('daysBetween', () => {
  test('whole days, across months, years and a leap day; negative when earlier', () => {
    expect(daysBetween('2027-03-01', '2027-03-01')).toBe(0);
    expect(daysBetween('2027-03-01', '2027-03-15')).toBe(14);
    expect(daysBetween('2027-01-30', '2027-02-02')).toBe(3);
    expect(daysBetween('2027-12-31', '2028-01-01')).toBe(1);
    expect(daysBetween('2028-02-28', '2028-03-01')).toBe(2);
    expect(daysBetween('2027-02-28', '2027-03-01')).toBe(1);
    expect(daysBetween('2027-03-15', '2027-03-01')).toBe(-14);
    expect(daysBetween('2027-02-02', '2027-01-30')).toBe(-3);
  });
});

describe('asksToChoose: a slip of more than askAfterDays past the date the shopper agreed to', () => {
  const ASK_AFTER = 14;
  const kept = (date: string, version = 1): EtaOfBackorder['etaKept'] => ({ version, date, at: 'T' });

  test('exactly askAfterDays later only informs; one day more asks', () => {
    const b = { etaAtSignup: '2027-03-01' };
    expect(asksToChoose(b, '2027-03-15', '2027-03-01', ASK_AFTER)).toBe(false);
    expect(asksToChoose(b, '2027-03-16', '2027-03-01', ASK_AFTER)).toBe(true);
    // The threshold is the site's: with 0, any later day asks.
    expect(asksToChoose(b, '2027-03-02', '2027-03-01', 0)).toBe(true);
    expect(asksToChoose(b, '2027-03-01', '2027-03-01', 0)).toBe(false);
  });

  test('the baseline is the date kept under, before the date at signup, before the previous date', () => {
    // Kept under Apr 1: Apr 10 is 9 days past it, though 40 past the signup date.
    const keptUnder = { etaAtSignup: '2027-03-01', etaKept: kept('2027-04-01') };
    expect(asksToChoose(keptUnder, '2027-04-10', '2027-01-01', ASK_AFTER)).toBe(false);
    expect(asksToChoose(keptUnder, '2027-04-16', '2027-01-01', ASK_AFTER)).toBe(true);
    // No keep: the signup date, not the previous one.
    const signedUp = { etaAtSignup: '2027-03-01' };
    expect(asksToChoose(signedUp, '2027-03-20', '2027-03-18', ASK_AFTER)).toBe(true);
    expect(asksToChoose(signedUp, '2027-03-10', '2027-01-01', ASK_AFTER)).toBe(false);
    // Signed up without a date: the date they were told before.
    expect(asksToChoose({}, '2027-03-20', '2027-03-18', ASK_AFTER)).toBe(false);
    expect(asksToChoose({}, '2027-03-20', '2027-03-01', ASK_AFTER)).toBe(true);
  });

  test('no new date, no baseline, or an earlier date never asks', () => {
    expect(asksToChoose({ etaAtSignup: '2027-03-01' }, null, '2027-03-01', ASK_AFTER)).toBe(false);
    expect(asksToChoose({}, '2028-12-31', null, ASK_AFTER)).toBe(false);
    expect(asksToChoose({ etaAtSignup: '2027-06-01' }, '2027-03-01', '2027-06-01', ASK_AFTER)).toBe(false);
    expect(asksToChoose({ etaAtSignup: '2027-06-01' }, '2027-03-01', '2027-06-01', 0)).toBe(false);
  });
});

describe('the question and its answer', () => {
  const ask = { version: 2, date: '2027-05-01', askedAt: '2027-03-01T10:00:00.000Z' };

  test('never asked: nothing open, no choice to show', () => {
    expect(askOpen({})).toBe(false);
    expect(etaChoiceOf({})).toBeNull();
    // A keep with no ask (cannot be asked for) shows nothing either.
    expect(etaChoiceOf({ etaKept: { version: 2, date: '2027-05-01', at: 'T' } })).toBeNull();
  });

  test('asked and not answered: open, not kept', () => {
    const b: EtaOfBackorder = { etaAsk: ask };
    expect(askOpen(b)).toBe(true);
    expect(etaChoiceOf(b)).toEqual({ date: '2027-05-01', askedAt: ask.askedAt, keptAt: null });
  });

  test('kept for this ask: closed, with when', () => {
    const b: EtaOfBackorder = { etaAsk: ask, etaKept: { version: 2, date: '2027-05-01', at: 'K2' } };
    expect(askOpen(b)).toBe(false);
    expect(etaChoiceOf(b)).toEqual({ date: '2027-05-01', askedAt: ask.askedAt, keptAt: 'K2' });
  });

  test('kept for an older ask, asked again since: open again', () => {
    const b: EtaOfBackorder = {
      etaAsk: { ...ask, version: 3, date: '2027-06-01' },
      etaKept: { version: 2, date: '2027-05-01', at: 'K2' },
    };
    expect(askOpen(b)).toBe(true);
    expect(etaChoiceOf(b)).toEqual({ date: '2027-06-01', askedAt: ask.askedAt, keptAt: null });
  });
});

describe('historySince: the dates a shopper has seen', () => {
  const history: EtaHistoryEntry[] = [
    { date: '2027-02-01', at: '2027-01-05T00:00:00.000Z' },
    { date: '2027-02-10', at: '2027-01-10T00:00:00.000Z' },
    { date: '2027-03-01', at: '2027-01-20T00:00:00.000Z' },
    { date: '2027-03-01', at: '2027-01-25T00:00:00.000Z' },
    { date: '2027-03-08', at: '2027-01-30T00:00:00.000Z' },
    { date: '2027-03-01', at: '2027-02-04T00:00:00.000Z' },
  ];
  const createdAt = '2027-01-15T00:00:00.000Z';

  test('the date at signup first, then every announcement after it, a date repeated in a row once', () => {
    expect(historySince({ createdAt, etaAtSignup: '2027-02-10' }, history)).toEqual([
      { date: '2027-02-10', at: createdAt },
      { date: '2027-03-01', at: '2027-01-20T00:00:00.000Z' },
      { date: '2027-03-08', at: '2027-01-30T00:00:00.000Z' },
      // Not in a row with the earlier 2027-03-01: shown again.
      { date: '2027-03-01', at: '2027-02-04T00:00:00.000Z' },
    ]);
  });

  test('an announcement of the date signed up under is no new entry', () => {
    expect(historySince({ createdAt, etaAtSignup: '2027-03-01' }, history).map((e) => e.date)).toEqual([
      '2027-03-01',
      '2027-03-08',
      '2027-03-01',
    ]);
  });

  test('entries at or before signup are not shown; no history: the signup date alone', () => {
    const late = { createdAt: '2027-02-04T00:00:00.000Z', etaAtSignup: '2027-03-01' };
    expect(historySince(late, history)).toEqual([{ date: '2027-03-01', at: late.createdAt }]);
    expect(historySince({ createdAt, etaAtSignup: '2027-02-10' }, undefined)).toEqual([
      { date: '2027-02-10', at: createdAt },
    ]);
  });

  test('a backorder from before dates were kept: the last date announced before it', () => {
    expect(historySince({ createdAt }, history)[0]).toEqual({ date: '2027-02-10', at: createdAt });
    // Announced exactly as it signed up counts as before.
    expect(historySince({ createdAt: '2027-01-20T00:00:00.000Z' }, history)[0].date).toBe('2027-03-01');
    // Nothing announced before it: no date.
    expect(historySince({ createdAt: '2027-01-01T00:00:00.000Z' }, history)[0]).toEqual({
      date: null,
      at: '2027-01-01T00:00:00.000Z',
    });
    expect(historySince({ createdAt }, [])).toEqual([{ date: null, at: createdAt }]);
  });

  test('signed up without a date: null first, then the dates announced since', () => {
    const b = { createdAt, etaAtSignup: undefined };
    const withNull: EtaHistoryEntry[] = [
      { date: null, at: '2027-01-01T00:00:00.000Z' },
      { date: null, at: '2027-01-16T00:00:00.000Z' },
      { date: '2027-04-01', at: '2027-01-17T00:00:00.000Z' },
    ];
    expect(historySince(b, withNull)).toEqual([
      { date: null, at: createdAt },
      { date: '2027-04-01', at: '2027-01-17T00:00:00.000Z' },
    ]);
  });
});

test("etaEmailId: one id per SKU, announcement and backorder, the ledger's key", () => {
  expect(etaEmailId('TEE-M', 3, '01JBACKORDER')).toBe('eta:TEE-M:3:01JBACKORDER');
  expect(etaEmailId('TEE-M', 4, '01JBACKORDER')).not.toBe(etaEmailId('TEE-M', 3, '01JBACKORDER'));
});

describe('etaSaveParts: what a product save adds to its own update', () => {
  const SKU = 'TEE-M';
  const open: EtaSave = etaSave(
    { expectedRestockDate: '2027-04-01', etaVersion: 2 },
    '2027-04-09',
    NOW,
    WINDOW_MS,
  );

  test('every save moves etaRev and is conditioned on it as read', () => {
    expect(etaSaveParts(SKU, { kind: 'unchanged' }, 7)).toEqual({
      set: { etaRev: 8 },
      condition: { expression: 'etaRev = :seenRev', values: { ':seenRev': 7 } },
    });
    expect(etaSaveParts(SKU, { kind: 'join' }, 7)).toEqual({
      set: { etaRev: 8 },
      condition: { expression: 'etaRev = :seenRev', values: { ':seenRev': 7 } },
    });
  });

  test('a product never revised: rev 1, on the revision not existing', () => {
    expect(etaSaveParts(SKU, { kind: 'unchanged' }, undefined)).toEqual({
      set: { etaRev: 1 },
      condition: { expression: 'attribute_not_exists(etaRev)', values: {} },
    });
  });

  test('an open window with a due time: the window, its version and the due-index keys', () => {
    const parts = etaSaveParts(SKU, open, 4);
    expect(parts.condition).toEqual({ expression: 'etaRev = :seenRev', values: { ':seenRev': 4 } });
    expect(parts.set).toEqual({
      etaRev: 5,
      etaWindow: { version: 3, until: UNTIL, previous: '2027-04-01' },
      etaVersion: 3,
      etaBucket: `2027-03-01T10#${shardOf(SKU, DUE_SHARDS)}`,
      etaDueKey: `${UNTIL}#${SKU}`,
    });
    expect(parts.set.etaBucket).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}#[0-7]$/);
  });

  test('the bucket is the hour the window ends in, not the hour it opened in', () => {
    const late = etaSave(
      { expectedRestockDate: '2027-04-01' },
      '2027-04-09',
      Date.parse('2027-03-01T10:55:00Z'),
      WINDOW_MS,
    );
    const { set } = etaSaveParts(SKU, late, 1);
    expect(set.etaBucket).toBe(`2027-03-01T11#${shardOf(SKU, DUE_SHARDS)}`);
    expect(set.etaDueKey).toBe(`2027-03-01T11:05:00.000Z#${SKU}`);
  });

  test('a window opened during a fan-out: the window and version, no index keys (the fan-out holds the entry)', () => {
    const during = etaSave(
      { expectedRestockDate: '2027-04-01', etaVersion: 3, etaFanout: fanout },
      '2027-04-05',
      NOW,
      WINDOW_MS,
    );
    expect(etaSaveParts(SKU, during, 9).set).toEqual({
      etaRev: 10,
      etaWindow: { version: 4, until: UNTIL, previous: '2027-04-01' },
      etaVersion: 4,
    });
  });

  test('unchanged and join set nothing but the revision', () => {
    for (const save of [{ kind: 'unchanged' }, { kind: 'join' }] as EtaSave[])
      expect(Object.keys(etaSaveParts(SKU, save, 2).set)).toEqual(['etaRev']);
  });
});
