/**
 * The nurture scenario's set-up, shared with mixed and send-rate: the site, product and campaign through the
 * admin API, and the rows a consenting signup and its enrolment leave in the tables, written straight to them
 * (10 000 signups through the API would take minutes, and are what the signup scenario measures). The
 * backorders are ticketed as every signup is now (test/support/ticketed-queue.ts: `ticket`, `waitingKey`, and
 * the queue's counter, pages, sealed books and summary, written by `seed`), so a place in the queue costs
 * what it costs a shopper today.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ticketKey } from '../../lambdas/domain/queue-tickets';
import { batchWrite } from '../../test/support/backorder-rows';
import { ticketedQueue } from '../../test/support/ticketed-queue';
import { dueBucket, dueKey } from '../../lambdas/domain/due-index';
import { listKeysOf, queueKeyOf } from '../../lambdas/domain/backorder';
import { hashToken, newBackorderId, newToken } from '../../lambdas/runtime/tokens';
import type { BenchStack } from '../lib/stack';

const STEP_ID = 'step-1';

/** The rows a signup with marketing consent (single opt-in) and its enrolment leave in the tables. */
export const seedRows = (
  count: number,
  run: string,
  sku: string,
  campaignId: string,
  dueMinuteMs: number,
) => {
  const backorders: Record<string, unknown>[] = [];
  const enrolments: Record<string, unknown>[] = [];
  const emails: string[] = [];
  // Signed up over the last `count` seconds, one a second, oldest first: a queue of `count` on one product.
  const firstCreatedMs = dueMinuteMs - count * 1000;
  for (let i = 0; i < count; i++) {
    const createdMs = firstCreatedMs + i * 1000;
    const createdAt = new Date(createdMs).toISOString();
    const id = newBackorderId(createdMs);
    const email = `nurture-${i}.${run}@bench.example`;
    const queueKey = queueKeyOf(createdAt, id);
    backorders.push({
      id,
      sku,
      email,
      emailKey: email,
      quantity: 1,
      name: `Shopper ${i}`,
      segment: 'b2c',
      marketingConsent: true,
      consentedAt: createdAt,
      locale: 'en',
      status: 'waiting',
      createdAt,
      updatedAt: createdAt,
      queueKey,
      ticket: i,
      waitingKey: ticketKey(i),
      ...listKeysOf({ id, sku }),
      statusTokenHashes: [hashToken(newToken())],
      events: [{ at: createdAt, type: 'created', by: 'shopper' }],
    });
    // Due within the same minute, spread over its seconds, as one sweep a minute finds them.
    const dueMs = dueMinuteMs + Math.floor((i * 60_000) / count);
    enrolments.push({
      backorderId: id,
      campaignId,
      state: 'active',
      nextStepId: STEP_ID,
      nextStepIndex: 0,
      enrolledAt: createdAt,
      nextDueAt: dueMs,
      dueBucket: dueBucket(dueMs, id),
      dueKey: dueKey(dueMs, id, campaignId),
    });
    emails.push(email);
  }
  return { backorders, enrolments, emails };
};

export const seed = async (
  stack: BenchStack,
  count: number,
  run: string,
  sku: string,
  campaignId: string,
) => {
  // The queue's own items for tickets 0…count−1 (seedRows gives shopper i ticket i).
  const dynamo = DynamoDBDocumentClient.from(stack.clients.dynamo);
  await batchWrite(
    dynamo,
    stack.platform.tableNames.queues,
    ticketedQueue(sku, count, { label: run }).queueItems,
    8,
  );
  await stack.admin('PUT', '/api/admin/settings', {
    backorders: { enabled: true, segments: ['b2c', 'b2b'] },
    doubleOptIn: false,
    sender: { from: 'Bench Shop <shop@bench.example>', postalAddress: '1 Bench Street, Testville' },
  });
  await stack.admin('PUT', `/api/admin/products/${sku}`, {
    name: `Bench nurture product ${run}`,
    expectedRestockDate: '2027-01-15',
    backorders: { enabled: true, maxPerCustomer: 10 },
  });
  await stack.admin('PUT', `/api/admin/campaigns/${campaignId}`, {
    name: `Bench nurture ${run}`,
    active: true,
    audience: { skus: [sku] },
    steps: [
      {
        id: STEP_ID,
        delay: 'PT0S',
        subject: `{{ product.name }} is on its way [${campaignId}]`,
        html:
          '<p>Hi {{ shopper.name }},</p><p>You are number {{ backorder.position }} in the queue for ' +
          '{{ product.name }} ({{ backorder.quantity }} ordered), expected {{ product.expectedRestockDate }}.</p>' +
          '<p><a href="{{ backorder.statusUrl }}">See your place</a> · <a href="{{ unsubscribeUrl }}">Unsubscribe</a></p>',
      },
    ],
  });
};
