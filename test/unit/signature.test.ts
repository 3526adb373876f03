import fc from 'fast-check';
import { signatureHeader, verifySignature } from '../../lambdas/runtime/signature';

const SECRET = 'a-shared-secret-of-some-length';
const NOW = 1_790_000_000_000;

describe('webhook signatures', () => {
  test('a signature made now verifies, for any body', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (body) => {
        expect(verifySignature(SECRET, signatureHeader(SECRET, body, NOW), body, NOW)).toBe('valid');
      }),
      { numRuns: 500 },
    );
  });

  test('any change to the body, the secret or the signature is a mismatch', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.string({ minLength: 1, maxLength: 5 }), (body, extra) => {
        const header = signatureHeader(SECRET, body, NOW);
        expect(verifySignature(SECRET, header, body + extra, NOW)).toBe('mismatch');
        expect(verifySignature(`${SECRET}x`, header, body, NOW)).toBe('mismatch');
      }),
      { numRuns: 300 },
    );
    const header = signatureHeader(SECRET, '{}', NOW);
    const flipped = header.replace(/v1=(.)/, (_, c: string) => `v1=${c === '0' ? '1' : '0'}`);
    expect(verifySignature(SECRET, flipped, '{}', NOW)).toBe('mismatch');
  });

  test('the timestamp is signed and must be within 300 seconds either way', () => {
    const body = '{"sku":"A","available":1}';
    expect(verifySignature(SECRET, signatureHeader(SECRET, body, NOW - 300_000), body, NOW)).toBe('valid');
    expect(verifySignature(SECRET, signatureHeader(SECRET, body, NOW - 301_000), body, NOW)).toBe('stale');
    expect(verifySignature(SECRET, signatureHeader(SECRET, body, NOW + 301_000), body, NOW)).toBe('stale');
    // Moving the timestamp without re-signing breaks the signature.
    const header = signatureHeader(SECRET, body, NOW);
    const moved = header.replace(/t=(\d+)/, (_, t: string) => `t=${Number(t) + 1}`);
    expect(verifySignature(SECRET, moved, body, NOW)).toBe('mismatch');
  });

  test('missing and malformed headers are refused', () => {
    for (const header of [undefined, '']) expect(verifySignature(SECRET, header, '{}', NOW)).toBe('missing');
    for (const header of ['t=1', 'v1=abc', 't=x,v1=' + '0'.repeat(64), 'garbage', `t=${NOW / 1000},v1=zz`])
      expect(verifySignature(SECRET, header, '{}', NOW)).toBe('malformed');
  });

  test('during a secret rotation either of two signatures is accepted', () => {
    const body = '{}';
    const oldSig = signatureHeader('old-secret-old-secret', body, NOW).split(',')[1];
    const header = `${signatureHeader(SECRET, body, NOW)},${oldSig}`;
    expect(verifySignature(SECRET, header, body, NOW)).toBe('valid');
    expect(verifySignature('old-secret-old-secret', header, body, NOW)).toBe('valid');
    expect(verifySignature('third-secret-entirely', header, body, NOW)).toBe('mismatch');
  });
});
