/**
 * What happened to a backorder, from every table that knows: its own events (created, consent, allocated,
 * fulfilled, cancelled, with who did it), the emails sent about it (from the send ledger, with SES's bounce
 * or complaint when one came back), and the webhook deliveries that told the shop's systems. Customer
 * service reads it as a timeline; the shopper's data export reads the same parts.
 */
import { anonymousActor, type Backorder, type BackorderEventType } from '../domain/backorder';
import { deliveryKeyOf, type WebhookDelivery, type WebhookEventType } from '../domain/webhook';
import { allEmailsSentTo, type SentEmailRecord } from '../store/sent-emails-store';
import { deliveriesByKey, listWebhooks } from '../store/webhook-store';

/** The webhook event each backorder event is announced as. */
const WEBHOOK_EVENT_OF: Partial<Record<BackorderEventType, WebhookEventType>> = {
  created: 'backorder.created',
  allocated: 'backorder.allocated',
  fulfilled: 'backorder.fulfilled',
  cancelled: 'backorder.cancelled',
};

/**
 * The deliveries of the backorders' events to every endpoint the shop has now. A delivery's key is the
 * event's time and id, both known from the backorder's events, so this reads exactly those rows (one
 * BatchGetItem per hundred) and never an endpoint's whole history. Deliveries to an endpoint deleted since
 * are not found.
 */
export const webhookDeliveriesOf = async (backorders: readonly Backorder[]): Promise<WebhookDelivery[]> => {
  const webhooks = await listWebhooks();
  if (webhooks.length === 0) return [];
  const keys = backorders.flatMap((backorder) =>
    backorder.events.flatMap((event) => {
      const type = WEBHOOK_EVENT_OF[event.type];
      if (!type) return [];
      const deliveryKey = deliveryKeyOf({ id: `${type}:${backorder.id}`, createdAt: event.at });
      return webhooks.map((webhook) => ({ webhookId: webhook.id, deliveryKey }));
    }),
  );
  const unique = [...new Map(keys.map((key) => [`${key.webhookId} ${key.deliveryKey}`, key])).values()];
  return deliveriesByKey(unique);
};

/** How an email fared, as far as we know: SES accepted it, and then maybe a bounce or complaint came. */
export type EmailOutcome = 'sending' | 'sent' | 'withheld' | 'bounced' | 'soft-bounced' | 'complained';

export const emailOutcome = (email: SentEmailRecord): EmailOutcome => {
  if (email.complaint) return 'complained';
  if (email.bounce) return email.bounce.type === 'permanent' ? 'bounced' : 'soft-bounced';
  return email.state;
};

export type TimelineEntry =
  | { at: string; type: BackorderEventType; by?: string }
  | {
      at: string;
      type: 'email';
      kind: string;
      outcome: EmailOutcome;
      subject?: string;
      campaignId?: string;
      stepId?: string;
      requestedBy?: string;
      /** When the bounce or complaint was reported. */
      outcomeAt?: string;
      /** Why a withheld email was never sent (its template broke the render limits with this shopper's data). */
      reason?: string;
      /** An expected-date update that asked the shopper to keep their place or cancel. */
      asked?: boolean;
    }
  | {
      at: string;
      type: 'webhook';
      event: WebhookEventType;
      /** When the event happened. */
      eventAt: string;
      endpoint: string;
      state: WebhookDelivery['state'];
      attempts: number;
      lastStatus?: number;
      lastAttemptAt: string;
      deliveredAt?: string;
    };

const emailEntry = (email: SentEmailRecord): TimelineEntry => ({
  at: email.sentAt ?? email.claimedAt,
  type: 'email',
  kind: email.kind,
  outcome: emailOutcome(email),
  subject: email.subject,
  campaignId: email.campaignId,
  stepId: email.stepId,
  requestedBy: email.requestedBy,
  outcomeAt: email.complaint?.at ?? email.bounce?.at,
  reason: email.state === 'withheld' ? email.withheldReason : undefined,
  ...(email.asked === 'yes' ? { asked: true } : {}),
});

const webhookEntry = (delivery: WebhookDelivery): TimelineEntry => ({
  // When the shop's system was told (or last tried): `backorder.created` goes out after the confirmation.
  at: delivery.deliveredAt ?? delivery.lastAttemptAt,
  type: 'webhook',
  eventAt: delivery.createdAt,
  event: delivery.eventType,
  endpoint: delivery.webhookId,
  state: delivery.state,
  attempts: delivery.attempts,
  lastStatus: delivery.lastStatus,
  lastAttemptAt: delivery.lastAttemptAt,
  deliveredAt: delivery.deliveredAt,
});

/** Rank among entries of the same moment: the event first, then the email it caused, then its webhook. */
const RANK = { email: 1, webhook: 2 } as Record<string, number>;

/**
 * The whole story of one backorder, oldest first. `staffNames` false replaces staff identities with
 * "staff" (the shopper's own export does).
 */
export const backorderTimeline = async (
  backorder: Backorder,
  options: { staffNames?: boolean } = {},
): Promise<TimelineEntry[]> => {
  const [emails, deliveries] = await Promise.all([
    // An erased backorder's emails name no one any more: there is no address left to find them by.
    backorder.emailKey ? allEmailsSentTo(backorder.emailKey, backorder.id) : Promise.resolve([]),
    webhookDeliveriesOf([backorder]),
  ]);
  const staff = options.staffNames ?? true;
  const entries: TimelineEntry[] = [
    ...backorder.events.map(({ at, type, by }) => ({ at, type, by: staff ? by : anonymousActor(by) })),
    ...emails.map(emailEntry),
    ...deliveries.map(webhookEntry),
  ];
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort(
      (a, b) =>
        a.entry.at.localeCompare(b.entry.at) ||
        (RANK[a.entry.type] ?? 0) - (RANK[b.entry.type] ?? 0) ||
        a.index - b.index,
    )
    .map(({ entry }) => entry);
};
