/** The browser's languages, read from Accept-Language (lambdas/domain/accept-language.ts). */
import { acceptedLanguages } from '../../lambdas/domain/accept-language';

test.each<[string | undefined, string[]]>([
  ['de-AT,de;q=0.9,en;q=0.8', ['de-AT', 'de', 'en']],
  ['en;q=0.5, fr', ['fr', 'en']],
  ['es;q=0.8, de;q=0.8', ['es', 'de']],
  ['fr;q=0, it', ['it']],
  ['*', []],
  ['', []],
  [undefined, []],
  ['de-AT;q=abc, <script>, fr', ['de-AT', 'fr']],
])('%s → %j', (header, expected) => expect(acceptedLanguages(header)).toEqual(expected));

test('a header of thousands of entries reads the first twenty', () => {
  const header = Array.from({ length: 5000 }, (_, i) => `de-x${i}`).join(',');
  expect(acceptedLanguages(header)).toHaveLength(20);
});
