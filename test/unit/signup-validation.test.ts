import { normalizeEmail } from '../../lambdas/domain/backorder';
import { signupSchema } from '../../lambdas/domain/backorder-schema';
import { parseOrThrow } from '../../lambdas/domain/validation';
import { ValidationError } from '../../lambdas/runtime/errors';

const valid = { sku: 'TEE-1', email: 'ann@example.com' };

const refusal = (input: unknown) => {
  try {
    parseOrThrow(signupSchema, input, 'signup');
  } catch (error) {
    return error as ValidationError;
  }
  throw new Error('expected the signup to be refused');
};

describe('signup validation', () => {
  test('fills the defaults a landing page leaves out', () => {
    expect(parseOrThrow(signupSchema, valid)).toEqual({
      ...valid,
      quantity: 1,
      segment: 'b2c',
      marketingConsent: false,
    });
  });

  test.each([
    ['zero', 0],
    ['negative', -1],
    ['fractional', 2.5],
    ['a string', '2'],
    ['null', null],
    ['infinite', Number.POSITIVE_INFINITY],
  ])('refuses a quantity that is %s', (_label, quantity) => {
    expect(refusal({ ...valid, quantity }).details.map((d) => d.path)).toContain('quantity');
  });

  test.each([
    ['missing', undefined],
    ['not an address', 'ann'],
    ['too long', `${'a'.repeat(250)}@example.com`],
    ['with a line break (header injection)', 'ann@example.com\r\nBcc: victim@example.com'],
    ['with a control character', 'ann\u0007@example.com'],
    ['a number', 42],
  ])('refuses an email that is %s', (_label, email) => {
    expect(refusal({ ...valid, email }).details.map((d) => d.path)).toContain('email');
  });

  test('refuses unknown fields, naming them', () => {
    const error = refusal({ ...valid, discount: 100 });
    expect(error.code).toBe('VALIDATION');
    expect(error.details).toEqual([{ path: 'discount', message: 'unknown field: discount' }]);
  });

  test('refuses a __proto__ key instead of merging it', () => {
    const error = refusal(JSON.parse('{"sku":"TEE-1","email":"ann@example.com","__proto__":{"admin":true}}'));
    expect(error.details[0].message).toMatch(/unknown field/);
  });

  test('refuses names and companies over 200 characters or with line breaks', () => {
    expect(refusal({ ...valid, name: 'x'.repeat(201) }).details[0].path).toBe('name');
    expect(refusal({ ...valid, company: 'ACME\nBcc: x@y.z' }).details[0].path).toBe('company');
  });

  test('keeps HTML in a name as text (it is escaped where shown, not rejected)', () => {
    expect(parseOrThrow(signupSchema, { ...valid, name: '<script>alert(1)</script>' }).name).toBe(
      '<script>alert(1)</script>',
    );
  });

  test('refuses bodies that are not objects', () => {
    for (const body of [null, [], 'signup', 7]) expect(refusal(body).code).toBe('VALIDATION');
  });

  test('the same shopper is recognised whatever the case and spacing of their email', () => {
    expect(normalizeEmail('  Ann@Example.COM ')).toBe(normalizeEmail('ann@example.com'));
  });
});
