/**
 * The console may choose a sender only among the SES identities the platform may send from (SENDER_IDENTITIES:
 * the stack grants SendRawEmail on exactly those). Any other From is refused when the settings are saved, on
 * the `sender.from` field, naming the identities that would do, and the saved settings stay as they were.
 * This file runs the platform with a list, as deployed; the local runner's default ("*") accepts any sender,
 * as its SES emulator does.
 */
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { expectError } from './helpers';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ senderIdentities: ['shop.example', 'news@letters.example'] });
});
afterAll(async () => platform?.stop());

const settingsWith = (from: string) => ({
  backorders: { enabled: true, segments: ['b2c', 'b2b'] },
  doubleOptIn: false,
  sender: { from, postalAddress: '1 Quay Street, Bristol' },
});

test.each([
  ['a verified domain', 'Corner Shop <hello@shop.example>'],
  ['a verified domain, in capitals', 'HELLO@SHOP.EXAMPLE'],
  ['a verified address', 'Newsletter <news@letters.example>'],
])('a From on %s is saved', async (_, from) => {
  const saved = await platform.admin('PUT', '/api/admin/settings', settingsWith(from));
  expect(saved.status).toBe(200);
  expect((await platform.admin('GET', '/api/admin/settings')).body.sender.from).toBe(from);
});

test.each([
  ['another domain', 'Shop <hello@elsewhere.example>', 'elsewhere.example'],
  ['a subdomain of a verified domain', 'hello@mail.shop.example', 'mail.shop.example'],
  [
    'another address of a domain where only one address is verified',
    'sales@letters.example',
    'letters.example',
  ],
])('a From on %s → 400 VALIDATION on sender.from, and nothing changes', async (_, from, domain) => {
  const before = await platform.admin(
    'PUT',
    '/api/admin/settings',
    settingsWith('Shop <hello@shop.example>'),
  );
  expect(before.status).toBe(200);
  const refused = await platform.admin('PUT', '/api/admin/settings', settingsWith(from));
  expectError(refused, 400, 'VALIDATION');
  expect(refused.body.error.details).toEqual([
    {
      path: 'sender.from',
      message: `${domain} is not a verified sending identity; verified: shop.example, news@letters.example`,
    },
  ]);
  expect((await platform.admin('GET', '/api/admin/settings')).body.sender.from).toBe(
    'Shop <hello@shop.example>',
  );
});
