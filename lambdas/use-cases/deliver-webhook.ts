/**
 * Delivers one queued backorder event to one endpoint: sign it with the endpoint's secret, POST it with a
 * bounded wait, and record how it went. A "not now" answer (timeout, network error, 408, 429, 5xx) throws
 * `DeliveryNotYet` so the queue retries it with backoff; on the queue's last try the delivery is recorded
 * `dead` first, so the console shows it when the message moves to the dead-letter queue. A refusal that
 * retrying cannot change (other 4xx, a redirect) is recorded `failed` and not retried. An endpoint whose
 * address is private or internal now (its name was re-pointed since it was saved) is recorded `blocked`:
 * nothing is sent, nothing retried, the message is done.
 */
import { signatureHeader } from '../runtime/signature';
import { webhookAllowLoopback } from '../runtime/config';
import { logger } from '../runtime/logger';
import { postToEndpoint } from '../runtime/webhook-post';
import {
  DELIVERY_TIMEOUT_MS,
  deliveryKeyOf,
  isLastAttempt,
  shortError,
  subscribes,
  verdictFor,
  type DeliveryState,
  type Webhook,
} from '../domain/webhook';
import { failureText, type DeliveryFailure } from '../domain/webhook-failure';
import { recordDeliveryAttempt } from '../store/webhook-store';
import type { QueuedEvent, WebhookMessage } from '../messages/webhook';

export const USER_AGENT = 'Backorders-Webhooks/1.0';

/** The endpoint did not take the event this time; `final` when the queue will not try again. */
export class DeliveryNotYet extends Error {
  override name = 'DeliveryNotYet';
  constructor(
    readonly final: boolean,
    reason: string,
  ) {
    super(reason);
  }
}

export type DeliveryOutcome = 'delivered' | 'failed' | 'blocked' | 'dropped';

interface Answer {
  status?: number;
  failure?: DeliveryFailure;
}

/** One signed POST. Never throws: a network failure or a refused address is an answer without a status. */
export const postEvent = async (
  webhook: Webhook,
  event: QueuedEvent,
  nowMs = Date.now(),
): Promise<Answer> => {
  const body = JSON.stringify(event);
  const headers = {
    'Content-Type': 'application/json',
    'User-Agent': USER_AGENT,
    'X-Signature': signatureHeader(webhook.secret, body, nowMs),
    'X-Webhook-Id': webhook.id,
    'X-Event-Id': event.id,
    'X-Event-Type': event.type,
  };
  const answer = await postToEndpoint(webhook.url, headers, body, {
    policy: { allowLoopback: webhookAllowLoopback() },
    timeoutMs: DELIVERY_TIMEOUT_MS,
  });
  if (answer.failure) return { failure: answer.failure };
  // The status is all of the answer that is kept: a 2xx needs no words, anything else gets ours.
  return verdictFor(answer.status) === 'delivered'
    ? { status: answer.status }
    : { status: answer.status, failure: { kind: 'status', status: answer.status } };
};

export interface DeliveryContext {
  /** The queue's count of receives of this message, this one included. */
  receiveCount: number;
  maxReceiveCount: number;
  /** Finds an endpoint (shared by the records of one batch). */
  findWebhook: (id: string) => Promise<Webhook | undefined>;
}

export const deliverWebhook = async (
  message: WebhookMessage,
  context: DeliveryContext,
): Promise<DeliveryOutcome> => {
  const { event } = message;
  const webhook = await context.findWebhook(message.webhookId);
  if (!webhook || !subscribes(webhook, event.type)) {
    logger.info('webhook event for an endpoint that is gone or no longer subscribed; dropped', {
      webhookId: message.webhookId,
      eventId: event.id,
    });
    return 'dropped';
  }
  const answer = await postEvent(webhook, event);
  const verdict =
    answer.failure?.kind === 'blocked'
      ? 'blocked'
      : answer.status === undefined
        ? 'retry'
        : verdictFor(answer.status);
  const final = verdict === 'retry' && isLastAttempt(context.receiveCount, context.maxReceiveCount);
  const state: DeliveryState = verdict === 'retry' ? (final ? 'dead' : 'pending') : verdict;
  const error = answer.failure ? shortError(failureText(answer.failure)) : undefined;
  const recorded = await recordDeliveryAttempt({
    webhookId: webhook.id,
    deliveryKey: deliveryKeyOf(event),
    eventId: event.id,
    eventType: event.type,
    ...('backorder' in event.data
      ? { backorderId: (event.data.backorder as { id: string }).id }
      : { sku: event.data.sku as string }),
    eventCreatedAt: event.createdAt,
    state,
    status: answer.status,
    failure: answer.failure,
    at: new Date().toISOString(),
  });
  // Delivered already by an earlier copy of this message: the endpoint has the event, nothing to retry.
  if (!recorded) return 'delivered';
  if (verdict === 'retry') throw new DeliveryNotYet(final, error ?? `HTTP ${answer.status}`);
  if (verdict === 'failed') {
    logger.warn('webhook delivery refused; not retried', {
      webhookId: webhook.id,
      eventId: event.id,
      status: answer.status,
    });
  }
  if (verdict === 'blocked') {
    // Someone pointed a saved endpoint's name at an internal address: worth an operator's look.
    logger.warn('webhook delivery blocked: the endpoint resolves to a private or internal address', {
      webhookId: webhook.id,
      eventId: event.id,
      error,
    });
  }
  return verdict;
};
