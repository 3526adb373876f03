/**
 * Shoppers as the bench sees them through the public API: a product to sign up for, the status link a signup
 * answers with, the place a status page shows; and a quiet platform between phases (the email sender done).
 */
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LoadSample } from './load';
import type { ScenarioContext } from './scenario';
import type { BenchStack } from './stack';

const DRAIN_TIMEOUT_MS = 120_000;

export const spaced = (n: number) => n.toLocaleString('en').replace(/,/g, ' ');

export interface Shopper {
  id: string;
  token: string;
}

/** The status link's id and token (`…/status?id=…#token=…`). */
export const shopperOf = (statusUrl: string): Shopper => {
  const url = new URL(statusUrl);
  return {
    id: url.searchParams.get('id') ?? '',
    token: new URLSearchParams(url.hash.slice(1)).get('token') ?? '',
  };
};

/** The shopper a signup's answer links to, if it answered one. */
export const shopperAnswered = (sample: LoadSample | undefined): Shopper | undefined => {
  try {
    const { statusUrl } = JSON.parse(sample?.body ?? '') as { statusUrl?: unknown };
    return typeof statusUrl === 'string' ? shopperOf(statusUrl) : undefined;
  } catch {
    return undefined;
  }
};

/** The place an answer (signup or status read) shows; null when it shows none. */
/** How many backorders a console list page answered (NaN when it answered none). */
export const listedIn = (sample: LoadSample): number => {
  try {
    const { items } = JSON.parse(sample.body ?? '') as { items?: unknown };
    return Array.isArray(items) ? items.length : Number.NaN;
  } catch {
    return Number.NaN;
  }
};

export const positionIn = (sample: LoadSample): number | null => {
  try {
    const { position } = JSON.parse(sample.body ?? '') as { position?: unknown };
    return typeof position === 'number' ? position : null;
  } catch {
    return null;
  }
};

export const seedSettings = (stack: BenchStack) =>
  stack.admin('PUT', '/api/admin/settings', {
    backorders: { enabled: true, segments: ['b2c', 'b2b'] },
    doubleOptIn: false,
    sender: { from: 'Bench Shop <shop@bench.example>', postalAddress: '1 Bench Street, Testville' },
  });

/** A product out of stock taking backorders (so no signup starts an allocation). */
export const seedProduct = (stack: BenchStack, sku: string, name: string) =>
  stack.admin('PUT', `/api/admin/products/${sku}`, {
    name,
    stock: 0,
    backorders: { enabled: true, maxPerCustomer: 10 },
  });

/** Lets the email sender deliver the confirmations queued so far, so the next phase starts quiet (not measured). */
export const drainEmails = async (stack: BenchStack, context: ScenarioContext): Promise<void> => {
  if (context.options.queueConcurrency === 0) return;
  await stack.drain(stack.platform.queueUrls.email, DRAIN_TIMEOUT_MS);
};

/** The tickets of the given backorders, read straight from the table (100 ids a request). */
export const ticketsOf = async (
  dynamo: DynamoDBDocumentClient,
  table: string,
  ids: readonly string[],
): Promise<Map<string, number | undefined>> => {
  const tickets = new Map<string, number | undefined>();
  for (let i = 0; i < ids.length; i += 100) {
    let keys: Record<string, unknown>[] = ids.slice(i, i + 100).map((id) => ({ id }));
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt > 8) throw new Error('tickets: keys left unread');
      if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * attempt));
      const { Responses, UnprocessedKeys } = await dynamo.send(
        new BatchGetCommand({
          RequestItems: { [table]: { Keys: keys, ProjectionExpression: 'id, ticket' } },
        }),
      );
      for (const item of Responses?.[table] ?? [])
        tickets.set(String(item.id), typeof item.ticket === 'number' ? item.ticket : undefined);
      keys = (UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return tickets;
};
