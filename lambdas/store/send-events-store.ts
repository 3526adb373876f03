/**
 * SES Send events for the send ledger's rows (send-ledger-store.ts): a send whose worker died before recording
 * it is recorded from SES's own event, so the lease running out never lets the email go twice.
 */
import { BatchGetCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { recordSent, rememberMessageId, type SentCounted } from './send-ledger-store';
import { tableName } from '../runtime/config';

/**
 * A Send event that arrived while the worker that sent the email still holds its claim: most likely it is
 * about to record the send itself (alerts are recorded a batch at a time), and recording it here too would
 * only race it. The event comes back shortly before the lease ends, and records the send then if the worker
 * died.
 */
export class SendNotSettled extends Error {
  override name = 'SendNotSettled';
  constructor(
    emailId: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`The send of ${emailId} is still its worker's to record`);
  }
}

/** How long before a claim's lease ends a Send event records the send itself. */
export const SEND_EVENT_MARGIN_MS = 10_000;

/**
 * SES's Send event for one of our emails: if its claim is still `sending` when the claim's lease is nearly
 * over (the worker that sent it died before recording it), records it sent from the event, so the lease
 * running out never lets the email go twice. Answers whether this recorded it; a send already recorded
 * changes nothing; a claim whose worker may still record it throws SendNotSettled.
 */
export const recordSentFromEvent = async (
  emailId: string,
  sesMessageId: string,
  sentAt: string,
  subject: string | undefined,
  /** The email's ledger row when the caller read it already (with the rest of its batch). */
  known?: Record<string, unknown> | null,
  nowMs = Date.now(),
): Promise<boolean> => {
  const Item =
    known === undefined
      ? (
          await dynamo.send(
            new GetCommand({
              TableName: tableName('ledger'),
              Key: { key: `email#${emailId}` },
              ConsistentRead: true,
            }),
          )
        ).Item
      : known;
  if (Item?.state !== 'sending') return false;
  const settleInMs = Number(Item.leaseUntil ?? 0) - SEND_EVENT_MARGIN_MS - nowMs;
  if (settleInMs > 0) throw new SendNotSettled(emailId, settleInMs / 1000);
  const counted: SentCounted = {
    kind: String(Item.kind ?? emailId.split('#')[0]),
    campaignId: Item.campaignId as string | undefined,
    stepId: Item.stepId as string | undefined,
    sku: Item.sku as string | undefined,
  };
  const recorded = await recordSent(
    emailId,
    sesMessageId,
    sentAt,
    subject ?? String(Item.subject ?? ''),
    counted,
  );
  if (recorded) await rememberMessageId(emailId, sesMessageId);
  return recorded;
};

/**
 * The ledger rows of several emails in one request (strongly consistent), by email id; an email with no row
 * maps to null. Ids DynamoDB left unprocessed are absent, to be read one by one.
 */
export const sendRecordsOf = async (
  emailIds: readonly string[],
): Promise<Map<string, Record<string, unknown> | null>> => {
  const rows = new Map<string, Record<string, unknown> | null>();
  const unique = [...new Set(emailIds)];
  for (let i = 0; i < unique.length; i += 100) {
    const chunk = unique.slice(i, i + 100);
    const { Responses, UnprocessedKeys } = await dynamo.send(
      new BatchGetCommand({
        RequestItems: {
          [tableName('ledger')]: { Keys: chunk.map((id) => ({ key: `email#${id}` })), ConsistentRead: true },
        },
      }),
    );
    const unprocessed = new Set(
      (UnprocessedKeys?.[tableName('ledger')]?.Keys ?? []).map((k) => String(k.key).slice('email#'.length)),
    );
    for (const id of chunk) if (!unprocessed.has(id)) rows.set(id, null);
    for (const item of Responses?.[tableName('ledger')] ?? [])
      rows.set(String(item.key).slice('email#'.length), item);
  }
  return rows;
};
