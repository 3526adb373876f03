import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  hashToken,
  linkStrengthOf,
  newBackorderId,
  newToken,
  secretsEqual,
  statusTokenMatches,
  tokenMatches,
} from '../../lambdas/runtime/tokens';
import { linksExpired } from '../../lambdas/domain/backorder';

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

describe('tokens are unguessable and compared in constant time', () => {
  // The module's own binding of node:crypto, so a spy sees every call the token code makes.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const crypto = require('node:crypto') as typeof import('node:crypto');
  afterEach(() => jest.restoreAllMocks());

  test('each token carries at least 128 bits, and every bit is as likely 0 as 1', () => {
    const count = 4000;
    const ones = new Array<number>(256).fill(0);
    for (let i = 0; i < count; i++) {
      const bytes = Buffer.from(newToken(), 'base64url');
      expect(bytes.length * 8).toBeGreaterThanOrEqual(128);
      bytes.forEach((byte, at) => {
        for (let bit = 0; bit < 8; bit++) if (byte & (1 << bit)) ones[at * 8 + bit]++;
      });
    }
    // Binomial(4000, 1/2): a bit stuck at 0 or 1, or strongly biased, lies far outside six standard deviations.
    const sigma = Math.sqrt(count / 4);
    for (const n of ones) expect(Math.abs(n - count / 2)).toBeLessThan(6 * sigma);
  });

  test('a token is checked by comparing SHA-256 hashes with timingSafeEqual, match or not, any length', () => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    const token = newToken();
    const stored = hashToken(token);
    for (const given of [token, newToken(), token.slice(0, -1), `${token}x`, 'a', 'x'.repeat(500)]) {
      spy.mockClear();
      const result = tokenMatches(given, stored);
      expect(result).toBe(given === token);
      // Exactly one comparison, of two 32-byte digests: how much of the token matched never shortens it.
      expect(spy).toHaveBeenCalledTimes(1);
      const [a, b] = spy.mock.calls[0] as [Buffer, Buffer];
      expect([a.length, b.length]).toEqual([32, 32]);
    }
  });

  test('every status token hash of a backorder is compared, whichever matches', () => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    const tokens = [newToken(), newToken(), newToken()];
    const hashes = tokens.map(hashToken);
    expect(statusTokenMatches(tokens[0], hashes)).toBe(true);
    expect(spy).toHaveBeenCalledTimes(3);
    spy.mockClear();
    expect(statusTokenMatches(newToken(), hashes)).toBe(false);
    expect(spy).toHaveBeenCalledTimes(3);
  });

  test("a link is an email link only by the backorder's email hashes; every hash of both kinds is compared", () => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    const page = newToken();
    const emailed = [newToken(), newToken()];
    const hashes = { statusTokenHashes: [hashToken(page)], emailTokenHashes: emailed.map(hashToken) };
    expect(linkStrengthOf(page, hashes)).toBe('page');
    expect(linkStrengthOf(emailed[1], hashes)).toBe('email');
    expect(linkStrengthOf(newToken(), hashes)).toBeUndefined();
    expect(
      linkStrengthOf(page, { statusTokenHashes: [], emailTokenHashes: [hashToken(newToken())] }),
    ).toBeUndefined();
    // A row without email links (made before they existed) has page links only.
    expect(linkStrengthOf(page, { statusTokenHashes: [hashToken(page)] })).toBe('page');
    // Three hashes for each of the first three checks, one for each of the last two.
    expect(spy).toHaveBeenCalledTimes(3 + 3 + 3 + 1 + 1);
  });

  test('links expire 90 days after the backorder closed, never while it is open', () => {
    const day = 86_400_000;
    const now = Date.parse('2026-12-01T00:00:00.000Z');
    const closed = (status: 'cancelled' | 'fulfilled', daysAgo: number) => ({
      status,
      events: [
        { at: '2020-01-01T00:00:00.000Z', type: 'created' as const },
        { at: new Date(now - daysAgo * day).toISOString(), type: status },
      ],
    });
    expect(linksExpired(closed('cancelled', 89), now)).toBe(false);
    expect(linksExpired(closed('cancelled', 91), now)).toBe(true);
    expect(linksExpired(closed('fulfilled', 91), now)).toBe(true);
    const waiting = {
      status: 'waiting' as const,
      events: [{ at: '2020-01-01T00:00:00.000Z', type: 'created' as const }],
    };
    expect(linksExpired(waiting, now)).toBe(false);
    expect(linksExpired({ ...closed('cancelled', 400), status: 'allocated' as const }, now)).toBe(false);
  });

  test('the admin token comparison hashes both sides and uses timingSafeEqual', () => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    expect(secretsEqual('a-long-admin-token', 'a-long-admin-token')).toBe(true);
    expect(secretsEqual('a', 'a-long-admin-token')).toBe(false);
    expect(spy).toHaveBeenCalledTimes(2);
    for (const [a, b] of spy.mock.calls as [Buffer, Buffer][]) expect([a.length, b.length]).toEqual([32, 32]);
  });

  test('no token is ever compared with === or includes() in the code that checks links', () => {
    const root = path.resolve(__dirname, '../..');
    const sources = ['lambdas', 'local']
      .flatMap((dir) =>
        readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' }).map((f) =>
          path.join(dir, f),
        ),
      )
      .filter((file) => file.endsWith('.ts'));
    const offenders: string[] = [];
    for (const file of sources) {
      const text = readFileSync(path.join(root, file), 'utf8');
      // A hash or token compared as a string (===, !==, includes, indexOf) would leak timing.
      if (/(TokenHash(es)?|tokenHash|adminToken|storedHash)\s*(===|!==|\.includes\(|\.indexOf\()/.test(text))
        offenders.push(file);
      if (/(===|!==)\s*(\w+\.)?(adminToken|storedHash|statusTokenHashes)\b/.test(text)) offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });
});
