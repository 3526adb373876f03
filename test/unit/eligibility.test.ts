import { effectivePolicy, judgeSignup, DEFAULT_MAX_PER_CUSTOMER } from '../../lambdas/domain/eligibility';

const site = (enabled: boolean, segments: ('b2c' | 'b2b')[] = ['b2c', 'b2b']) => ({
  backorders: { enabled, segments },
});

describe('who may backorder', () => {
  test('a product without its own policy follows the site', () => {
    expect(effectivePolicy({}, site(true, ['b2b']))).toEqual({
      enabled: true,
      segments: ['b2b'],
      maxPerCustomer: DEFAULT_MAX_PER_CUSTOMER,
    });
    expect(effectivePolicy({}, site(false)).enabled).toBe(false);
  });

  test("a product's own policy wins over the site's, both ways", () => {
    expect(effectivePolicy({ backorders: { enabled: true } }, site(false)).enabled).toBe(true);
    expect(effectivePolicy({ backorders: { enabled: false } }, site(true)).enabled).toBe(false);
  });

  test('a product policy without segments is open to both segments', () => {
    expect(effectivePolicy({ backorders: { enabled: true } }, site(true, ['b2c'])).segments).toEqual([
      'b2c',
      'b2b',
    ]);
  });

  test('the per-customer maximum defaults to 10 and can be set per product', () => {
    expect(effectivePolicy({}, site(true)).maxPerCustomer).toBe(10);
    expect(
      effectivePolicy({ backorders: { enabled: true, maxPerCustomer: 3 } }, site(true)).maxPerCustomer,
    ).toBe(3);
  });

  test('the antique that does not accept backorders refuses everyone', () => {
    const verdict = judgeSignup(effectivePolicy({ backorders: { enabled: false } }, site(true)), 'b2c', 1);
    expect(verdict).toMatchObject({ ok: false, reason: 'disabled' });
  });

  test('a B2B-only product refuses personal shoppers and takes business ones', () => {
    const policy = effectivePolicy({ backorders: { enabled: true, segments: ['b2b'] } }, site(true));
    expect(judgeSignup(policy, 'b2c', 1)).toMatchObject({ ok: false, reason: 'segment' });
    expect(judgeSignup(policy, 'b2b', 1)).toEqual({ ok: true });
  });

  test('asking for more than the maximum is refused with the maximum', () => {
    const policy = effectivePolicy({ backorders: { enabled: true, maxPerCustomer: 2 } }, site(true));
    expect(judgeSignup(policy, 'b2c', 2)).toEqual({ ok: true });
    expect(judgeSignup(policy, 'b2c', 3)).toEqual({ ok: false, reason: 'quantity', max: 2 });
  });
});
