import { hashToken, newBackorderId, newToken, secretsEqual, tokenMatches } from '../../lambdas/shared/tokens';

describe('links and secrets', () => {
  test('tokens carry 256 random bits and are never repeated', () => {
    const tokens = new Set(Array.from({ length: 1000 }, newToken));
    expect(tokens.size).toBe(1000);
    for (const token of tokens) expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  });

  test('only the hash is needed to check a token, and a different token never matches', () => {
    const token = newToken();
    const stored = hashToken(token);
    expect(stored).not.toContain(token);
    expect(tokenMatches(token, stored)).toBe(true);
    expect(tokenMatches(newToken(), stored)).toBe(false);
    expect(tokenMatches(undefined, stored)).toBe(false);
    expect(tokenMatches('', stored)).toBe(false);
    expect(tokenMatches(token, undefined)).toBe(false);
  });

  test('backorder ids sort by creation time', () => {
    const earlier = newBackorderId(Date.UTC(2026, 0, 1));
    const later = newBackorderId(Date.UTC(2026, 0, 1) + 1);
    expect(earlier < later).toBe(true);
    expect(earlier).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  test('secret comparison works for any lengths', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true);
    expect(secretsEqual('abc', 'abcd')).toBe(false);
    expect(secretsEqual('', 'abc')).toBe(false);
  });
});
