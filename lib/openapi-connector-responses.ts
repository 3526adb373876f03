/**
 * The shapes the store connectors' routes answer with (and the settings, which now say whether each store's
 * secret is set), for the OpenAPI document, each checked at compile time against what its use-case returns,
 * as in lib/openapi-responses.ts.
 */
import * as z from 'zod';
import { DELIVERY_OUTCOMES, consoleSettingsSchema } from '../lambdas/domain/connectors';
import type { connectorDeliveries } from '../lambdas/use-cases/connector-admin';
import type { siteSettingsForConsole } from '../lambdas/use-cases/product-admin';
import type { StoreDeliveryAnswer } from '../lambdas/use-cases/store-delivery';
import { instant, type Answer, type Describes, type Proof } from './openapi-responses';

export const consoleSettings = consoleSettingsSchema;
type _ConsoleSettings = Proof<Describes<typeof consoleSettings, Answer<typeof siteSettingsForConsole>>>;

const outcome = z
  .enum(DELIVERY_OUTCOMES)
  .describe(
    'accepted: read; duplicate: already received; ignored: a topic not read; ping: WooCommerce’s test; ' +
      'refused: nothing changed',
  );

export const storeDeliveryAnswer = z.object({
  outcome,
  reason: z.string().describe('What was done, in words: "2 SKUs set, 1 unknown SKU ignored"'),
  skus: z.array(z.string()).describe('SKUs whose free units this delivery set'),
});
type _StoreDeliveryAnswer = Proof<Describes<typeof storeDeliveryAnswer, StoreDeliveryAnswer>>;

export const connectorDeliveryList = z.object({
  items: z.array(
    storeDeliveryAnswer.extend({
      receivedAt: instant,
      deliveryId: z.string().nullable().describe("The store's delivery id header"),
      topic: z.string().nullable().describe("The store's topic header"),
      status: z.number().describe('The HTTP status the store was answered'),
      count: z.number().describe('Deliveries the row stands for: unsigned ones of a minute share one'),
    }),
  ),
});
type _ConnectorDeliveryList = Proof<
  Describes<typeof connectorDeliveryList, Answer<typeof connectorDeliveries>>
>;
