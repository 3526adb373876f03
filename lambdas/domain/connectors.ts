/**
 * The shop's store connectors: Shopify and WooCommerce tell the platform of stock changes with their own
 * signed webhooks (docs/connectors.md). Here: which stores there are, how a connector's signing secret is
 * saved with the site settings (write-only: answers say only whether one is set), and what the record of a
 * delivery says.
 */
import * as z from 'zod';
import { siteSettingsSchema } from './catalog';
import { CONTROL_CHARACTERS } from './validation';

export const CONNECTORS = ['shopify', 'woocommerce'] as const;
export type ConnectorName = (typeof CONNECTORS)[number];

export const isConnectorName = (value: string): value is ConnectorName =>
  (CONNECTORS as readonly string[]).includes(value);

/**
 * The secret the store signs its webhooks with, as the store shows it. Kept exactly as typed: WooCommerce's
 * generated secrets may begin or end with a space, so nothing is trimmed. Shopify's are 64 hex characters,
 * WooCommerce's generated ones 50; a store secret shorter than 16 is refused (too easy to guess offline from
 * one captured delivery).
 */
export const connectorSecretSchema = z
  .string()
  .min(16, { message: 'must be at least 16 characters: use the secret the store generated' })
  .max(256, { message: 'must be at most 256 characters' })
  .refine((v) => !CONTROL_CHARACTERS.test(v), { message: 'must not contain control characters' });

/**
 * One connector in a settings PUT: `{"secret"}` sets or replaces the secret; `{}` (or what GET showed,
 * `{"configured":…}`) keeps what is stored; `null` disconnects the store (its webhooks are refused from
 * then on).
 */
const connectorInput = z
  .object({
    secret: connectorSecretSchema.optional(),
    configured: z
      .boolean()
      .optional()
      .describe('Read-only: ignored, so that a body read with GET can be sent back as it is'),
  })
  .strict()
  .nullable();

/** A store left out keeps its stored secret: the console's settings form never sends them. */
export const connectorsInputSchema = z
  .object({ shopify: connectorInput.optional(), woocommerce: connectorInput.optional() })
  .strict();

/** The body of `PUT /api/admin/settings`: the site settings, and optionally changes to the connectors. */
export const settingsInputSchema = siteSettingsSchema.extend({
  connectors: connectorsInputSchema.optional(),
});
export type SettingsInput = z.infer<typeof settingsInputSchema>;

/** What a settings answer says of each connector: whether a secret is set, never the secret. */
export const connectorsViewSchema = z.object({
  shopify: z.object({ configured: z.boolean() }),
  woocommerce: z.object({ configured: z.boolean() }),
});
export type ConnectorsView = z.infer<typeof connectorsViewSchema>;

/** What the console reads and saves: the site settings, and whether each store's secret is set. */
export const consoleSettingsSchema = siteSettingsSchema.extend({
  connectors: connectorsViewSchema.describe("Whether each store's signing secret is set; never the secret"),
});
export type ConsoleSettings = z.infer<typeof consoleSettingsSchema>;

/** A connector's secret to save, or `null` to disconnect it. */
export type ConnectorSecretChanges = Partial<Record<ConnectorName, { secret: string } | null>>;

/** The changes a PUT asks for: only stores given a secret or `null`; everything else is kept. */
export const connectorSecretChanges = (input: SettingsInput['connectors']): ConnectorSecretChanges => {
  const changes: ConnectorSecretChanges = {};
  for (const name of CONNECTORS) {
    const given = input?.[name];
    if (given === null) changes[name] = null;
    else if (given?.secret !== undefined) changes[name] = { secret: given.secret };
  }
  return changes;
};

/** The stored secrets, by store (the settings table's `connectors` row). */
export type ConnectorSecrets = Partial<Record<ConnectorName, string>>;

export const connectorsView = (secrets: ConnectorSecrets): ConnectorsView => ({
  shopify: { configured: secrets.shopify !== undefined },
  woocommerce: { configured: secrets.woocommerce !== undefined },
});

/**
 * What became of a delivery: `accepted` (read; `skus` were set), `duplicate` (this delivery was already
 * received), `ignored` (signed, but a topic the platform does not read), `ping` (WooCommerce's test when a
 * webhook is created), `refused` (401 or 400: nothing changed).
 */
export const DELIVERY_OUTCOMES = ['accepted', 'duplicate', 'ignored', 'ping', 'refused'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/** One received delivery as the console lists it. */
export interface ConnectorDelivery {
  receivedAt: string;
  /** The store's delivery id header, as sent (printable ASCII, cut to 100 characters); null without one. */
  deliveryId: string | null;
  /** The store's topic header (`products/update`, `product.updated`); null without one. */
  topic: string | null;
  outcome: DeliveryOutcome;
  /** Why, in the console's words: "2 SKUs set, 1 unknown SKU ignored", "bad signature". */
  reason: string;
  /** The HTTP status the store was answered. */
  status: number;
  /** SKUs whose free units this delivery set (the first 100). */
  skus: string[];
  /**
   * Deliveries this row stands for: unsigned ones (refusals, pings) of one minute and kind share a row, so
   * a flood of them is a handful of rows with a count rather than thousands.
   */
  count: number;
}

/** Deliveries the console shows: the newest. */
export const DELIVERIES_SHOWN = 50;
