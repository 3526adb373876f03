/**
 * Email counters for the console's stats, kept in one ledger row (`counter#emails`).
 *
 * Feedback is delivered at least once (SES → SNS → SQS each retry), so a count is tied to the event that
 * caused it: the marker row `feedback#<feedbackId>#<address hash>` and the counter's ADD are one transaction,
 * conditional on the marker being new. A redelivered event fails the condition and changes nothing; a failed
 * write changes nothing either and the record is retried. Counted exactly once, whatever happens.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { tableName } from '../runtime/config';
import { addressHash } from '../runtime/tokens';
import { cancelledBecause, transactWrite } from '../runtime/transact';

/** The feedback counters' row; `sent` and `unsubscribed` live in the sharded `stats#emails#<shard>` rows. */
export const FEEDBACK_COUNTER_KEY = 'counter#emails';
/** Longer than SQS keeps a message (4 days) plus the dead-letter queue's 14 days, so a redrive is still seen. */
const MARKER_DAYS = 30;

export interface EmailCounters {
  /** Recipients whose email bounced, permanently or not. */
  bounced: number;
  /** Of those, transient or undetermined bounces (the address was not suppressed). */
  softBounced: number;
  /** Recipients who marked an email as spam. */
  complained: number;
}

export interface EmailFeedbackEvent {
  kind: 'bounce' | 'complaint';
  /** Only for bounces: transient and undetermined ones also count as soft. */
  permanent?: boolean;
  /** SES's id of the bounce or complaint report. */
  feedbackId: string;
  emailKey: string;
  sesMessageId: string;
  at: string;
}

/**
 * Counts one recipient of one bounce or complaint, once: true if it was counted now, false if an earlier
 * delivery of the same event already did.
 */
export const countEmailFeedback = async (event: EmailFeedbackEvent, nowMs = Date.now()): Promise<boolean> => {
  const counters =
    event.kind === 'complaint'
      ? 'ADD complained :one'
      : event.permanent
        ? 'ADD bounced :one'
        : 'ADD bounced :one, softBounced :one';
  const items = [
    {
      Put: {
        TableName: tableName('ledger'),
        Item: {
          // The address only as its hash: the marker outlives an erasure of the shopper (ARCHITECTURE.md).
          key: `feedback#${event.feedbackId}#${addressHash(event.emailKey)}`,
          kind: event.kind,
          permanent: event.permanent,
          sesMessageId: event.sesMessageId,
          at: event.at,
          expiresAt: Math.floor(nowMs / 1000) + MARKER_DAYS * 24 * 3600,
        },
        ConditionExpression: 'attribute_not_exists(#key)',
        ExpressionAttributeNames: { '#key': 'key' },
      },
    },
    {
      Update: {
        TableName: tableName('ledger'),
        Key: { key: FEEDBACK_COUNTER_KEY },
        UpdateExpression: counters,
        ExpressionAttributeValues: { ':one': 1 },
      },
    },
  ];
  try {
    // Concurrent batches counting at the same moment contend on the one counter row: transactWrite tries
    // again shortly, then leaves it to the queue's retry.
    await transactWrite(() => items);
    return true;
  } catch (error) {
    if (cancelledBecause(error, 'ConditionalCheckFailed')) return false;
    throw error;
  }
};

/** The counters as they stand (zero for what never happened). */
export const emailCounters = async (): Promise<EmailCounters> => {
  const { Item } = await dynamo.send(
    new GetCommand({
      TableName: tableName('ledger'),
      Key: { key: FEEDBACK_COUNTER_KEY },
      ConsistentRead: true,
    }),
  );
  return {
    bounced: Number(Item?.bounced ?? 0),
    softBounced: Number(Item?.softBounced ?? 0),
    complained: Number(Item?.complained ?? 0),
  };
};
