/**
 * The local runner killed (`kill -9`) in the middle of a restock and started again with the same DATA_DIR:
 * `npm start`'s own entry point, as a separate process, with its own emulators. The emulators outlive the
 * dead runner (separate processes, as SQS and DynamoDB outlive a Lambda worker on AWS); the new run takes them
 * over, so the messages the dead one had received but not finished come back, and the restock completes:
 * every waiting shopper allocated, each restock alert sent exactly once, nothing dead-lettered.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { emulatorClients } from '../../local/platform';
import { createLocalResources, type LocalResources } from '../../local/resources';
import { freePort } from '../../local/ports';
import { ROOT } from '../../local/handlers';
import { signatureHeader } from '../../lambdas/runtime/signature';
import { batchWrite, waitingBackorders } from '../support/backorder-rows';
import { deadLetters, inboxCounts, statusesOf, waitUntilQuiet } from '../support/invariants';

const WAITING = 150;
const RESTOCK_ALERT = /^Good news: .* is back, and yours is set aside$/;

const dataDir = mkdtempSync(path.join(tmpdir(), 'backorder-restart-'));
const adminToken = randomBytes(18).toString('base64url');
const webhookSecret = randomBytes(18).toString('base64url');
let ports: { app: number; dynamodb: number; sqs: number; ses: number };
let runner: ChildProcess | undefined;
let output = '';

const endpoints = () => ({
  dynamodb: `http://127.0.0.1:${ports.dynamodb}`,
  sqs: `http://127.0.0.1:${ports.sqs}`,
  ses: `http://127.0.0.1:${ports.ses}`,
});
const appUrl = () => `http://localhost:${ports.app}`;

/** `npm start` (tsx local/start.ts) in one process, so a kill reaches the runner itself. */
const startRunner = async (): Promise<ChildProcess> => {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'local/start.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(ports.app),
      DYNAMODB_PORT: String(ports.dynamodb),
      SQS_PORT: String(ports.sqs),
      SES_PORT: String(ports.ses),
      DATA_DIR: dataDir,
      ADMIN_TOKEN: adminToken,
      INVENTORY_WEBHOOK_SECRET: webhookSecret,
      SIGNUP_RATE_LIMIT: '0',
      SCHEDULER_TICK_SECONDS: '1',
      // A message the dead run was handling comes back this soon.
      LOCAL_VISIBILITY_TIMEOUT_SECONDS: '3',
      // Slow enough that the kill lands while alerts are still going out.
      EMAIL_SEND_RATE_PER_SECOND: '40',
      // A claim the dead run held, but never sent, is taken over after this (60 s deployed). Its Send event,
      // if it did send, is recorded from 10 s before then: the restart (a few seconds, many more on a loaded
      // machine) must fit before that, as a Lambda retry does on AWS.
      EMAIL_SEND_LEASE_SECONDS: '30',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      // The test's own emulators must not be confused with the ones this runner starts.
      TEST_EMULATOR_ENDPOINTS: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`runner exited ${child.exitCode}:\n${output}`);
    const health = await fetch(`${appUrl()}/api/health`).catch(() => undefined);
    if (health?.ok && output.includes('Backorder platform is running')) return child;
    if (Date.now() > deadline) throw new Error(`runner did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

const killHard = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

const stopGently = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGINT');
  });

beforeAll(async () => {
  ports = { app: await freePort(), dynamodb: await freePort(), sqs: await freePort(), ses: await freePort() };
});
afterAll(async () => {
  if (runner) await stopGently(runner);
  // Whatever a failed test left running: the emulators this run recorded.
  try {
    const record = JSON.parse(readFileSync(path.join(dataDir, 'emulators.json'), 'utf8')) as {
      pids: number[];
    };
    for (const pid of record.pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  } catch {
    // No record: everything stopped.
  }
  rmSync(dataDir, { recursive: true, force: true });
});

test('killed mid-restock and restarted with DATA_DIR: every shopper allocated and alerted exactly once', async () => {
  runner = await startRunner();
  const clients = emulatorClients(endpoints());
  const dynamo = DynamoDBDocumentClient.from(clients.dynamo);
  try {
    const resources: LocalResources = await createLocalResources({
      prefix: 'local-',
      dynamo: clients.dynamo,
      sqs: clients.sqs,
      visibilityTimeoutSeconds: 3,
    });
    const sku = `RESTART-${Date.now().toString(36)}`.toUpperCase();
    const saved = await fetch(`${appUrl()}/api/admin/products/${sku}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Restart tee', backorders: { enabled: true } }),
    });
    expect(saved.status).toBe(201);
    const waiting = waitingBackorders(sku, Array(WAITING).fill(1), {
      label: `restart-${Date.now().toString(36)}`,
    });
    await batchWrite(
      dynamo,
      resources.tableNames.backorders,
      waiting.map((w) => w.row),
    );

    const raw = JSON.stringify({ eventId: `restart-${sku}`, sku, available: WAITING });
    const restocked = await fetch(`${appUrl()}/api/webhooks/inventory`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature': signatureHeader(webhookSecret, raw) },
      body: raw,
    });
    expect(restocked.status).toBe(202);

    // Kill it once some alerts are out and most are not.
    const emails = waiting.map((w) => w.email);
    const alertsSent = async () =>
      Object.values(await inboxCounts(endpoints().ses, emails)).filter(
        (inbox) => Object.keys(inbox).length > 0,
      ).length;
    const deadline = Date.now() + 60_000;
    while ((await alertsSent()) < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await killHard(runner);
    const sentBeforeKill = await alertsSent();
    expect(sentBeforeKill).toBeGreaterThanOrEqual(20);
    expect(sentBeforeKill).toBeLessThan(WAITING);

    output = '';
    runner = await startRunner();
    expect(output).toContain('using them, with their queued work');
    expect(output).toContain('kept from DATA_DIR');

    const finished = Date.now() + 120_000;
    while ((await alertsSent()) < WAITING && Date.now() < finished)
      await new Promise((r) => setTimeout(r, 250));
    await waitUntilQuiet(clients.sqs, resources.queueUrls, 120_000);
    expect(await deadLetters(clients.sqs, resources.deadLetterQueueUrls)).toEqual({});
    expect(
      new Set(
        await statusesOf(
          dynamo,
          resources.tableNames.backorders,
          waiting.map((w) => w.id),
        ),
      ),
    ).toEqual(new Set(['allocated']));
    const inboxes = await inboxCounts(endpoints().ses, emails);
    const wrong = Object.entries(inboxes).filter(
      ([, inbox]) =>
        Object.keys(inbox).length !== 1 ||
        !Object.entries(inbox).every(([subject, count]) => RESTOCK_ALERT.test(subject) && count === 1),
    );
    expect(wrong).toEqual([]);
    const product = await fetch(`${appUrl()}/api/admin/products/${sku}`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect((await product.json()).stock).toBe(0);
  } finally {
    dynamo.destroy();
    clients.sqs.destroy();
  }
}, 300_000);
