import { startTestPlatform, type TestPlatform } from '../support/platform';
import { uniqueEmail, waitForEmails } from '../support/mailbox';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => platform?.stop());

test('smoke', async () => {
  expect((await platform.request('GET', '/api/health')).status).toBe(200);
  const put = await platform.admin('PUT', '/api/admin/products/TEE-1', { name: 'Tee', backorders: { enabled: true } });
  expect(put.status).toBe(201);
  const email = uniqueEmail('smoke');
  const signup = await platform.request('POST', '/api/backorders', { json: { sku: 'TEE-1', email } });
  expect(signup.status).toBe(201);
  const mails = await waitForEmails(platform.sesUrl, email);
  expect(mails).toHaveLength(1);
});
