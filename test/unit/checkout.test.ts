/**
 * From alert to order, the pure rules: the checkout URL template and its filling, which checkout applies to a
 * product, when the reminder falls due, the claim code, and the funnel's figures over days.
 */
import {
  checkoutSchema,
  effectiveCheckout,
  extensionSchema,
  fillCheckoutUrl,
  reminderDueMs,
} from '../../lambdas/domain/checkout';
import { claimCode, backorderOfClaim } from '../../lambdas/domain/claim';
import {
  alertClickChanges,
  expiryChanges,
  funnelOverDays,
  funnelTotals,
  orderChanges,
} from '../../lambdas/domain/funnel';
import { sumRows } from '../../lambdas/domain/statistics';

const HOUR = 3_600_000;
const ID = '01JABCDEFGHJKMNPQRSTVWXYZ0';

describe('the checkout URL template', () => {
  test('fills each placeholder, URL-encoded, wherever it stands', () => {
    expect(
      fillCheckoutUrl('https://shop.example/cart/{sku}:{quantity}?claim={claim}&again={sku}', {
        sku: 'TEE/M#1',
        quantity: 2,
        claim: 'a b',
      }),
    ).toBe('https://shop.example/cart/TEE%2FM%231:2?claim=a%20b&again=TEE%2FM%231');
  });

  test.each([
    ['https://shop.example/cart/{sku}?c={claim}', true],
    ['http://localhost:8080/checkout', true],
    ['https://shop.example/{product}', false],
    ['https://shop.example/{SKU}', false],
    ['javascript:alert(1)//{sku}', false],
    ['{sku}', false],
    ['ftp://shop.example/{sku}', false],
    ['', false],
  ])('%s → accepted: %s', (url, ok) => {
    expect(checkoutSchema.safeParse({ url }).success).toBe(ok);
  });

  test.each([
    ['PT10S', true],
    ['PT20S', true],
    ['P2D', true],
    ['P30D', true],
    ['PT9S', false],
    ['P31D', false],
    ['P1M', false],
    ['2 days', false],
  ])('hold %s → accepted: %s', (hold, ok) => {
    expect(checkoutSchema.safeParse({ hold }).success).toBe(ok);
  });

  test('unknown fields are refused', () => {
    expect(checkoutSchema.safeParse({ url: 'https://shop.example/', target: 'x' }).success).toBe(false);
  });

  test('an extension is from a minute to 30 days', () => {
    expect(extensionSchema.safeParse({ by: 'P1D' }).success).toBe(true);
    expect(extensionSchema.safeParse({ by: 'PT30S' }).success).toBe(false);
    expect(extensionSchema.safeParse({ by: 'P31D' }).success).toBe(false);
    expect(extensionSchema.safeParse({}).success).toBe(false);
  });
});

describe('which checkout applies', () => {
  const site = { url: 'https://shop.example/{sku}', hold: 'PT12H' };

  test('a product overrides the site field by field; the hold defaults to two days', () => {
    expect(effectiveCheckout(undefined, site)).toEqual({ ...site, holdMs: 12 * HOUR });
    expect(effectiveCheckout({ hold: 'PT1H' }, site)).toEqual({ url: site.url, hold: 'PT1H', holdMs: HOUR });
    expect(effectiveCheckout({ url: 'https://b.example/' }, undefined)).toEqual({
      url: 'https://b.example/',
      hold: 'P2D',
      holdMs: 48 * HOUR,
    });
  });

  test('without a checkout URL anywhere there is no hold: nowhere to send the shopper', () => {
    expect(effectiveCheckout({ hold: 'PT1H' }, undefined)).toBeUndefined();
    expect(effectiveCheckout(undefined, { hold: 'P1D' })).toBeUndefined();
  });
});

describe('the reminder', () => {
  test('falls due when a quarter of the hold is left, never more than a day before its end', () => {
    const start = Date.parse('2026-12-04T10:00:00Z');
    expect(reminderDueMs(start, start + 4 * HOUR)).toBe(start + 3 * HOUR);
    expect(reminderDueMs(start, start + 20_000)).toBe(start + 15_000);
    expect(reminderDueMs(start, start + 10 * 24 * HOUR)).toBe(start + 9 * 24 * HOUR);
  });
});

describe('the claim code', () => {
  const key = 'k'.repeat(48);

  test('names its backorder, the same every time, and only under its key', () => {
    const claim = claimCode(key, ID);
    expect(claim).toMatch(new RegExp(`^${ID}-[A-Za-z0-9_-]{22}$`));
    expect(claimCode(key, ID)).toBe(claim);
    expect(backorderOfClaim(key, claim)).toBe(ID);
    expect(backorderOfClaim(`${key}x`, claim)).toBeUndefined();
  });

  test('an altered code names nothing, whichever character changed', () => {
    const claim = claimCode(key, ID);
    for (let i = 0; i < claim.length; i++) {
      if (claim[i] === '-' && i === 26) continue;
      const altered = claim.slice(0, i) + (claim[i] === 'A' ? 'B' : 'A') + claim.slice(i + 1);
      expect(backorderOfClaim(key, altered)).toBeUndefined();
    }
    expect(backorderOfClaim(key, 'nonsense')).toBeUndefined();
    expect(backorderOfClaim(key, `${claim}x`)).toBeUndefined();
  });
});

describe('the funnel', () => {
  const rows = (changes: ReturnType<typeof orderChanges>) =>
    new Map(changes.entries().map(([row, attributes]) => [row, attributes]));

  test('totals and the figures of chosen days come from the same events', () => {
    const b = { id: ID, sku: 'TEE' };
    const changes = alertClickChanges(b, '2026-12-03T10:00:00Z')
      .merge(orderChanges(b, true, { value: 2999, currency: 'EUR' }, '2026-12-04T10:00:00Z'))
      .merge(
        orderChanges(
          { ...b, id: '01JABCDEFGHJKMNPQRSTVWXYZ1' },
          false,
          { value: 100, currency: 'USD' },
          '2026-12-04T11:00:00Z',
        ),
      )
      .merge(expiryChanges(b, '2026-12-04T12:00:00Z'));
    const byRow = rows(changes);
    const product = sumRows(
      [...byRow.entries()].filter(([key]) => key.startsWith('stats#product#')).map(([, r]) => r),
    );
    expect(funnelTotals(product)).toMatchObject({
      alertClicks: 1,
      fulfilledAfterAlert: 1,
      // The total of expiries is the status counter, which the status change moves.
      expired: 0,
      revenue: { EUR: 2999, USD: 100 },
    });
    const month = sumRows(
      [...byRow.entries()].filter(([key]) => key.includes('#2026-12#')).map(([, r]) => r),
    );
    const months = new Map([['2026-12', month]]);
    expect(funnelOverDays(['2026-12-04'], months)).toMatchObject({
      alertClicks: 0,
      fulfilledAfterAlert: 1,
      expired: 1,
      revenue: { EUR: 2999, USD: 100 },
    });
    expect(funnelOverDays(['2026-12-03', '2026-12-04'], months).alertClicks).toBe(1);
    expect(funnelOverDays(['2026-11-30'], months).revenue).toEqual({});
  });
});
