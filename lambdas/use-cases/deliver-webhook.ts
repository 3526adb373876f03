/**
 * Delivers one queued backorder event to one endpoint: sign it with the endpoint's secret, POST it with a
 * bounded wait, and record how it went. A "not now" answer (timeout, network error, 408, 429, 5xx) throws
 * `DeliveryNotYet` so the queue retries it with backoff; on the queue's last try the delivery is recorded
 * `dead` first, so the console shows it when the message moves to the dead-letter queue. A refusal that
 * retrying cannot change (other 4xx, a redirect) is recorded `failed` and not retried.
 */
import { signatureHeader } from '../shared/signature';
import { logger } from '../shared/http';
import {
  DELIVERY_TIMEOUT_MS,
  deliveryKeyOf,
  isLastAttempt,
  shortError,
  subscribes,
  verdictFor,
  type BackorderEvent,
  type DeliveryState,
  type Webhook,
} from '../domain/webhook';
import { recordDeliveryAttempt } from '../store/webhook-store';
import type { WebhookMessage } from '../store/webhook-queue';

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

export type DeliveryOutcome = 'delivered' | 'failed' | 'dropped';

interface Answer {
  status?: number;
  error?: string;
}

/** Up to `limit` characters of a refusal's body, to show the shop what the receiver said. */
const bodySnippet = async (response: Response, limit = 200): Promise<string> => {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // The body did not arrive in time: the status says enough.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return text.slice(0, limit);
};

const describeFailure = (error: unknown): string => {
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError')
    return `no answer within ${DELIVERY_TIMEOUT_MS / 1000} s`;
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return `connection failed: ${cause?.code ?? cause?.message ?? (error as Error)?.message ?? 'unknown error'}`;
};

/** One signed POST. Never throws: a network failure is an answer without a status. */
export const postEvent = async (
  webhook: Webhook,
  event: BackorderEvent,
  nowMs = Date.now(),
): Promise<Answer> => {
  const body = JSON.stringify(event);
  try {
    const response = await fetch(webhook.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': USER_AGENT,
        'X-Signature': signatureHeader(webhook.secret, body, nowMs),
        'X-Webhook-Id': webhook.id,
        'X-Event-Id': event.id,
        'X-Event-Type': event.type,
      },
      body,
      // A redirect would carry the signed event, with a shopper's details, to an address nobody configured.
      redirect: 'manual',
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    if (verdictFor(response.status) === 'delivered') {
      await response.body?.cancel().catch(() => undefined);
      return { status: response.status };
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => undefined);
      const location = response.headers.get('location');
      return {
        status: response.status,
        error: shortError(
          `HTTP ${response.status}: redirect${location ? ` to ${location}` : ''} not followed`,
        ),
      };
    }
    const snippet = await bodySnippet(response);
    return {
      status: response.status,
      error: shortError(`HTTP ${response.status}${snippet.trim() ? `: ${snippet}` : ''}`),
    };
  } catch (error) {
    return { error: shortError(describeFailure(error)) };
  }
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
  const verdict = answer.status === undefined ? 'retry' : verdictFor(answer.status);
  const final = verdict === 'retry' && isLastAttempt(context.receiveCount, context.maxReceiveCount);
  const state: DeliveryState =
    verdict === 'delivered' ? 'delivered' : verdict === 'failed' ? 'failed' : final ? 'dead' : 'pending';
  const recorded = await recordDeliveryAttempt({
    webhookId: webhook.id,
    deliveryKey: deliveryKeyOf(event),
    eventId: event.id,
    eventType: event.type,
    backorderId: event.data.backorder.id,
    eventCreatedAt: event.createdAt,
    state,
    status: answer.status,
    error: answer.error,
    at: new Date().toISOString(),
  });
  // Delivered already by an earlier copy of this message: the endpoint has the event, nothing to retry.
  if (!recorded) return 'delivered';
  if (verdict === 'retry') throw new DeliveryNotYet(final, answer.error ?? `HTTP ${answer.status}`);
  if (verdict === 'failed') {
    logger.warn('webhook delivery refused; not retried', {
      webhookId: webhook.id,
      eventId: event.id,
      status: answer.status,
    });
  }
  return verdict;
};
