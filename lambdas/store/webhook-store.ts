/**
 * Persistence of outbound webhook endpoints and of their deliveries. A shop has a handful of endpoints, so
 * listing scans; deliveries live under their endpoint, keyed by event time, and expire 30 days after their
 * last attempt.
 */
import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { tableName } from '../runtime/config';
import {
  shortError,
  type DeliveryState,
  type Webhook,
  type WebhookDelivery,
  type WebhookEventType,
} from '../domain/webhook';
import { failureText, type DeliveryFailure } from '../domain/webhook-failure';
import { decodeCursor, encodeCursor } from './cursor';
import { everyRowById } from './every-page';
import { isConditionFailure } from '../runtime/transact';

const DELIVERY_RETENTION_SECONDS = 30 * 24 * 3600;

export const getWebhook = async (id: string): Promise<Webhook | undefined> => {
  const { Item } = await dynamo.send(new GetCommand({ TableName: tableName('webhooks'), Key: { id } }));
  return Item as Webhook | undefined;
};

export const listWebhooks = (): Promise<Webhook[]> =>
  everyRowById<Webhook>({ TableName: tableName('webhooks') });

/** Creates or replaces an endpoint; `created` tells a new one from an update. */
export const saveWebhook = async (
  id: string,
  input: Pick<Webhook, 'url' | 'secret' | 'events' | 'active'>,
  now = new Date().toISOString(),
): Promise<{ webhook: Webhook; created: boolean }> => {
  const { Attributes } = await dynamo.send(
    new UpdateCommand({
      TableName: tableName('webhooks'),
      Key: { id },
      UpdateExpression:
        'SET #url = :url, secret = :secret, events = :events, active = :active, updatedAt = :now, createdAt = if_not_exists(createdAt, :now)',
      ExpressionAttributeNames: { '#url': 'url' },
      ExpressionAttributeValues: {
        ':url': input.url,
        ':secret': input.secret,
        ':events': input.events,
        ':active': input.active,
        ':now': now,
      },
      ReturnValues: 'ALL_OLD',
    }),
  );
  const previous = Attributes as Webhook | undefined;
  const webhook: Webhook = { id, ...input, createdAt: previous?.createdAt ?? now, updatedAt: now };
  return { webhook, created: !previous };
};

export const deleteWebhook = async (id: string): Promise<boolean> => {
  const { Attributes } = await dynamo.send(
    new DeleteCommand({ TableName: tableName('webhooks'), Key: { id }, ReturnValues: 'ALL_OLD' }),
  );
  return Attributes !== undefined;
};

export interface DeliveryAttempt {
  webhookId: string;
  deliveryKey: string;
  eventId: string;
  eventType: WebhookEventType;
  /** What the event is about: a backorder, or a product. */
  backorderId?: string;
  sku?: string;
  eventCreatedAt: string;
  state: DeliveryState;
  status?: number;
  /**
   * Why it did not go through. Stored as our own words (`failureText`): there is no way to hand this store a
   * receiver's body or headers, so none can reach the console.
   */
  failure?: DeliveryFailure;
  at: string;
}

/**
 * Records one attempt: the row is created by the first, and each later one counts itself and says how it
 * went. One write per attempt, after it, so queueing an event costs the producer nothing here.
 */
/**
 * Records one attempt. A delivered event stays delivered: a failing attempt of a duplicate message (events are
 * at-least-once) is not recorded over it, and answers undefined so the duplicate is not retried.
 */
export const recordDeliveryAttempt = async (
  attempt: DeliveryAttempt,
): Promise<WebhookDelivery | undefined> => {
  const set = [
    'eventId = :eventId',
    'eventType = :eventType',
    attempt.backorderId ? 'backorderId = :subject' : 'sku = :subject',
    'createdAt = :createdAt',
    '#state = :state',
    'lastAttemptAt = :at',
    'expiresAt = :expiresAt',
  ];
  const remove: string[] = [];
  const values: Record<string, unknown> = {
    ':eventId': attempt.eventId,
    ':eventType': attempt.eventType,
    ':subject': attempt.backorderId ?? attempt.sku,
    ':createdAt': attempt.eventCreatedAt,
    ':state': attempt.state,
    ':at': attempt.at,
    ':expiresAt': Math.floor(Date.parse(attempt.at) / 1000) + DELIVERY_RETENTION_SECONDS,
    ':one': 1,
  };
  if (attempt.status !== undefined) {
    set.push('lastStatus = :status');
    values[':status'] = attempt.status;
  } else remove.push('lastStatus');
  if (attempt.failure !== undefined) {
    set.push('lastError = :error');
    values[':error'] = shortError(failureText(attempt.failure));
  } else remove.push('lastError');
  if (attempt.state === 'delivered') set.push('deliveredAt = :at');
  const sticky = attempt.state !== 'delivered';
  if (sticky) values[':delivered'] = 'delivered';
  try {
    const { Attributes } = await dynamo.send(
      new UpdateCommand({
        TableName: tableName('webhookDeliveries'),
        Key: { webhookId: attempt.webhookId, deliveryKey: attempt.deliveryKey },
        UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''} ADD attempts :one`,
        ...(sticky ? { ConditionExpression: 'attribute_not_exists(#state) OR #state <> :delivered' } : {}),
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Attributes as WebhookDelivery;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
};

/** An endpoint's deliveries, newest event first, a page at a time. */
export const listDeliveries = async (
  webhookId: string,
  options: { cursor?: string; limit?: number } = {},
): Promise<{ items: WebhookDelivery[]; cursor: string | null }> => {
  const { Items, LastEvaluatedKey } = await dynamo.send(
    new QueryCommand({
      TableName: tableName('webhookDeliveries'),
      KeyConditionExpression: 'webhookId = :webhookId',
      ExpressionAttributeValues: { ':webhookId': webhookId },
      ScanIndexForward: false,
      Limit: options.limit ?? 50,
      ExclusiveStartKey: decodeCursor(options.cursor, ['webhookId', 'deliveryKey'], { webhookId }),
    }),
  );
  return { items: (Items ?? []) as WebhookDelivery[], cursor: encodeCursor(LastEvaluatedKey) };
};

/**
 * The deliveries with these exact keys (an event's delivery key is known from the backorder's own events,
 * so finding a backorder's deliveries reads only those rows, never an endpoint's whole history).
 */
export const deliveriesByKey = async (
  keys: readonly { webhookId: string; deliveryKey: string }[],
): Promise<WebhookDelivery[]> => {
  const table = tableName('webhookDeliveries');
  const found: WebhookDelivery[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Record<string, unknown>[] = keys.slice(i, i + 100).map((key) => ({ ...key }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 5)
        throw new Error('Webhook deliveries could not be read: DynamoDB kept keys unprocessed');
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      const { Responses, UnprocessedKeys } = await dynamo.send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending } } }),
      );
      found.push(...((Responses?.[table] ?? []) as WebhookDelivery[]));
      pending = UnprocessedKeys?.[table]?.Keys ?? [];
    }
  }
  return found;
};
