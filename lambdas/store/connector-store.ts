/**
 * Persistence of the store connectors:
 * - `settings` row `connectors`: each store's signing secret (`shopify`, `woocommerce`: `{secret, savedAt,
 *   savedBy}`), in a row of its own so that the site settings every signup reads never carry it;
 * - `ledger` row `store-delivery#<connector>#<delivery key>` (30 days): the delivery was read to the end,
 *   so the same delivery again is answered as a duplicate;
 * - `connectorDeliveries`: the deliveries the console lists, newest first, kept 7 days.
 */
import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { tableName } from '../runtime/config';
import type { TransactItem } from '../runtime/transact';
import {
  CONNECTORS,
  DELIVERIES_SHOWN,
  type ConnectorDelivery,
  type ConnectorName,
  type ConnectorSecretChanges,
  type ConnectorSecrets,
} from '../domain/connectors';

const CONNECTORS_ROW = 'connectors';
const DAY_SECONDS = 24 * 3600;
/** As long as the inventory webhook's event ids: stores retry for hours (Shopify: 8 times over 4 hours). */
const DELIVERY_MEMORY_SECONDS = 30 * DAY_SECONDS;
/** The console shows the newest 50; a week of them explains what happened to a stock figure lately. */
const DELIVERY_RECORD_SECONDS = 7 * DAY_SECONDS;

const epochSeconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

/** Each store's secret, if one is set (read on every delivery: a saved or removed one counts at once). */
export const getConnectorSecrets = async (): Promise<ConnectorSecrets> => {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName('settings'), Key: { name: CONNECTORS_ROW }, ConsistentRead: true }),
  );
  const secrets: ConnectorSecrets = {};
  for (const name of CONNECTORS) {
    const secret = (Item?.[name] as { secret?: unknown } | undefined)?.secret;
    if (typeof secret === 'string' && secret.length > 0) secrets[name] = secret;
  }
  return secrets;
};

/** The write that applies a settings save's connector changes (none when it asks for none). */
export const connectorSecretWrites = (
  changes: ConnectorSecretChanges,
  by: string,
  at: string,
): TransactItem[] => {
  const set: string[] = [];
  const remove: string[] = [];
  const values: Record<string, unknown> = {};
  for (const name of CONNECTORS) {
    const change = changes[name];
    if (change === null) remove.push(name);
    else if (change) {
      set.push(`${name} = :${name}`);
      values[`:${name}`] = { secret: change.secret, savedAt: at, savedBy: by };
    }
  }
  if (set.length === 0 && remove.length === 0) return [];
  return [
    {
      Update: {
        TableName: tableName('settings'),
        Key: { name: CONNECTORS_ROW },
        UpdateExpression: [
          set.length ? `SET ${set.join(', ')}` : '',
          remove.length ? `REMOVE ${remove.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join(' '),
        ...(set.length ? { ExpressionAttributeValues: values } : {}),
      },
    },
  ];
};

const markerKey = (connector: ConnectorName, key: string) => `store-delivery#${connector}#${key}`;

/** Whether this delivery was already read to the end. */
export const deliveryDone = async (connector: ConnectorName, key: string): Promise<boolean> => {
  const { Item } = await dynamo.send(
    new GetCommand({
      TableName: tableName('ledger'),
      Key: { key: markerKey(connector, key) },
      ConsistentRead: true,
    }),
  );
  return Item !== undefined;
};

/** Marks the delivery read to the end: written last, so a delivery cut short is read again when repeated. */
export const markDeliveryDone = async (connector: ConnectorName, key: string, at: string): Promise<void> => {
  await dynamo.send(
    new PutCommand({
      TableName: tableName('ledger'),
      Item: { key: markerKey(connector, key), at, expiresAt: epochSeconds(at) + DELIVERY_MEMORY_SECONDS },
    }),
  );
};

type DeliveryRow = Omit<ConnectorDelivery, 'count'>;

/** Records one delivery for the console. */
export const recordDelivery = async (connector: ConnectorName, delivery: DeliveryRow): Promise<void> => {
  await dynamo.send(
    new PutCommand({
      TableName: tableName('connectorDeliveries'),
      Item: {
        connector,
        deliveryKey: `${delivery.receivedAt}#${randomBytes(6).toString('hex')}`,
        ...delivery,
        count: 1,
        expiresAt: epochSeconds(delivery.receivedAt) + DELIVERY_RECORD_SECONDS,
      },
    }),
  );
};

/**
 * Records an unsigned request (a refusal, or WooCommerce's ping): one row per minute and kind, counted, since
 * anyone can send these. Under a flood the console still shows a handful of rows (and the route's throttle
 * bounds the writes).
 */
export const recordUnsigned = async (
  connector: ConnectorName,
  unsigned: DeliveryRow & { kind: string },
): Promise<void> => {
  const { kind, receivedAt, ...row } = unsigned;
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName('connectorDeliveries'),
      // Keyed as the minute's last moment, so the newest 50 keys include it while it is among the newest.
      Key: { connector, deliveryKey: `${receivedAt.slice(0, 16)}:59.999Z#unsigned#${kind}` },
      UpdateExpression:
        'SET receivedAt = :at, deliveryId = :deliveryId, topic = :topic, outcome = :outcome, ' +
        'reason = :reason, #status = :status, skus = :skus, expiresAt = :expiresAt ADD #count :one',
      ExpressionAttributeNames: { '#status': 'status', '#count': 'count' },
      ExpressionAttributeValues: {
        ':at': receivedAt,
        ':deliveryId': row.deliveryId,
        ':topic': row.topic,
        ':outcome': row.outcome,
        ':reason': row.reason,
        ':status': row.status,
        ':skus': row.skus,
        ':expiresAt': epochSeconds(receivedAt) + DELIVERY_RECORD_SECONDS,
        ':one': 1,
      },
    }),
  );
};

/** The newest deliveries of a store, newest first. */
export const latestDeliveries = async (connector: ConnectorName): Promise<ConnectorDelivery[]> => {
  const { Items } = await dynamo.send(
    new QueryCommand({
      TableName: tableName('connectorDeliveries'),
      KeyConditionExpression: 'connector = :connector',
      ExpressionAttributeValues: { ':connector': connector },
      ScanIndexForward: false,
      Limit: DELIVERIES_SHOWN,
    }),
  );
  // A minute's refusals sort as its last moment: ordered by when each row was last received instead.
  const items = (Items ?? []).map((item) => ({
    receivedAt: item.receivedAt as string,
    deliveryId: (item.deliveryId as string | null | undefined) ?? null,
    topic: (item.topic as string | null | undefined) ?? null,
    outcome: item.outcome as ConnectorDelivery['outcome'],
    reason: item.reason as string,
    status: Number(item.status),
    skus: (item.skus as string[] | undefined) ?? [],
    count: Number(item.count ?? 1),
  }));
  return items.sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
};
