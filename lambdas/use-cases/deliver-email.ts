/**
 * Delivers one queued email exactly once in effect: claim its deterministic id in the ledger, render, send
 * through SES, record the send. A redelivered message finds the claim and stops; a failed send gives the
 * claim back and fails the message so the queue retries it.
 */
import { SendRawEmailCommand } from '@aws-sdk/client-ses';
import { ses } from '../shared/aws';
import { defaultSender, sesConfigurationSet } from '../shared/config';
import { logger } from '../shared/http';
import { SendPacer } from '../shared/send-pacer';
import { tokenMatches } from '../shared/tokens';
import { defaultSiteSettings, type SiteSettings } from '../domain/catalog';
import type { RenderedEmail } from '../emails/templating';
import { renderConfirmation } from '../emails/confirmation';
import { buildMime, type Envelope } from '../emails/mime';
import { getBackorder, countWaitingAhead } from '../store/backorder-store';
import { getProduct, getSiteSettings } from '../store/catalog-store';
import { claimSend, recordSent, releaseSend } from '../store/ledger-store';
import type { EmailMessage } from '../store/email-queue';
import { baseUrl, statusUrl } from './links';

/** Long enough for one render and send; a worker that died holding it frees it after this. */
const SEND_LEASE_MS = 60_000;

export class SendInFlight extends Error {
  constructor(emailId: string) {
    super(`Email ${emailId} is being sent by another worker`);
  }
}

export interface Delivery {
  emailId: string;
  recipientKey: string;
  backorderId?: string;
  kind: string;
  envelope: Envelope;
  render: () => Promise<RenderedEmail>;
}

export type DeliveryOutcome = 'sent' | 'duplicate' | 'skipped';

export const createMailer = (pacer: SendPacer) => {
  const send = async (delivery: Delivery, nowMs = Date.now()): Promise<DeliveryOutcome> => {
    const claim = await claimSend(
      delivery.emailId,
      { recipientKey: delivery.recipientKey, backorderId: delivery.backorderId, kind: delivery.kind },
      SEND_LEASE_MS,
      nowMs,
    );
    if (claim.outcome === 'already-sent') return 'duplicate';
    if (claim.outcome === 'in-flight') throw new SendInFlight(delivery.emailId);
    try {
      const rendered = await delivery.render();
      const raw = await buildMime(delivery.envelope, rendered);
      await pacer.take();
      const { MessageId } = await ses.send(
        new SendRawEmailCommand({ RawMessage: { Data: raw }, ConfigurationSetName: sesConfigurationSet() }),
      );
      await recordSent(delivery.emailId, MessageId ?? '', new Date().toISOString());
      return 'sent';
    } catch (error) {
      await releaseSend(delivery.emailId);
      throw error;
    }
  };
  return { send };
};

const senderOf = (settings: SiteSettings) => ({
  from: settings.sender.from,
  replyTo: settings.sender.replyTo,
});

/** Turns a queued message into a delivery, or null when there is nothing (left) to send. */
export const planDelivery = async (message: EmailMessage): Promise<Delivery | null> => {
  const backorder = await getBackorder(message.backorderId);
  if (!backorder) {
    // The signup was rolled back after its confirmation was queued: nothing to confirm.
    logger.info('confirmation for a backorder that does not exist; dropped', {
      backorderId: message.backorderId,
    });
    return null;
  }
  if (!tokenMatches(message.statusToken, backorder.statusTokenHash)) {
    logger.warn('confirmation token no longer matches the backorder; dropped', { backorderId: backorder.id });
    return null;
  }
  const [savedSettings, product] = await Promise.all([getSiteSettings(), getProduct(backorder.sku)]);
  const settings = savedSettings ?? defaultSiteSettings(defaultSender());
  const link = statusUrl(baseUrl(settings.publicBaseUrl), backorder.id, message.statusToken);
  return {
    emailId: `confirmation#${backorder.id}`,
    recipientKey: backorder.emailKey,
    backorderId: backorder.id,
    kind: 'confirmation',
    envelope: {
      ...senderOf(settings),
      to: { name: backorder.name, address: backorder.email },
      emailId: `confirmation#${backorder.id}`,
    },
    render: async () =>
      renderConfirmation({
        shopper: { name: backorder.name ?? '', email: backorder.email },
        product: {
          name: product?.name ?? backorder.sku,
          sku: backorder.sku,
          expectedRestockDate: product?.expectedRestockDate ?? '',
        },
        backorder: {
          quantity: backorder.quantity,
          position:
            backorder.status === 'waiting'
              ? (await countWaitingAhead(backorder.sku, backorder.queueKey)) + 1
              : null,
          statusUrl: link,
        },
        postalAddress: settings.sender.postalAddress,
      }),
  };
};
