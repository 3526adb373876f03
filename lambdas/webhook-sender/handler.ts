/**
 * Webhook queue consumer. Each record is one event for one endpoint; the records of a batch are delivered
 * concurrently, each with its own 5 s limit, so a slow endpoint never holds up another's events. Failures
 * are reported per record (partial batch response): "not now" answers come back after an exponential
 * backoff, and a malformed message fails at the normal pace until it reaches the dead-letter queue.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { queues } from '../../lib/platform';
import { WEBHOOK_BACKOFF, type Webhook } from '../domain/webhook';
import { webhookMessage } from '../messages/webhook';
import { logger } from '../runtime/logger';
import { consumeBatch } from '../runtime/queue-consumer';
import { loadOnce } from '../runtime/load-once';

const loadDeliverWebhook = loadOnce(() => import('../use-cases/deliver-webhook'));
const loadWebhookStore = loadOnce(() => import('../store/webhook-store'));

/**
 * The delivery and the endpoints' store, loaded with the first batch rather than with the function (they bring
 * the AWS SDK and the HTTP client); kept, so a failure can be told apart by its class.
 */
let delivery: typeof import('../use-cases/deliver-webhook') | undefined;

/** One read per endpoint per batch, however many of its events the batch holds. */
const endpointsOfBatch = (getWebhook: (id: string) => Promise<Webhook | undefined>) => {
  const endpoints = new Map<string, Promise<Webhook | undefined>>();
  return (id: string): Promise<Webhook | undefined> => {
    let found = endpoints.get(id);
    if (!found) {
      found = getWebhook(id);
      endpoints.set(id, found);
    }
    return found;
  };
};

export const sendWebhooks = consumeBatch({
  queue: 'webhook',
  schema: webhookMessage,
  // On the queue's last try no backoff: the message should reach the dead-letter queue without delay.
  isTransient: (error) => delivery !== undefined && error instanceof delivery.DeliveryNotYet && !error.final,
  backoff: WEBHOOK_BACKOFF,
  handleBatch: async (batch) => {
    const [{ deliverWebhook }, { getWebhook }] = await Promise.all([
      loadDeliverWebhook().then((loaded) => (delivery = loaded)),
      loadWebhookStore(),
    ]);
    const findWebhook = endpointsOfBatch(getWebhook);
    return Promise.allSettled(
      batch.map(async ({ message, record }) => {
        const outcome = await deliverWebhook(message, {
          receiveCount: Number(record.attributes.ApproximateReceiveCount ?? '1'),
          maxReceiveCount: queues.webhook.maxReceiveCount,
          findWebhook,
        });
        logger.debug('webhook event processed', { messageId: record.messageId, outcome });
      }),
    );
  },
});

export const handler = middy(sendWebhooks).use(injectLambdaContext(logger));
