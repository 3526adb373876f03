/**
 * Reading a whole key range or a whole small table: every page of a Query or Scan (the SDK's paginators), in
 * order, each handed to `visit` as it arrives. The one way a store reads "all of it"; pages a caller asks for
 * one at a time go through merged-query.ts, and `pagesOf` pulls such pages one after another, each only when
 * its reader is ready for it (a streamed export).
 */
import {
  paginateQuery,
  paginateScan,
  type QueryCommandInput,
  type ScanCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';

type Item = Record<string, unknown>;

export interface ReadPage {
  items: Item[];
  /** Rows counted (with `Select: 'COUNT'` there are no items). */
  count: number;
}

/** Every page of a Query, in order; a `visit` that answers a promise is awaited before the next page is read. */
export const everyQueryPage = async (
  input: QueryCommandInput,
  visit: (page: ReadPage) => unknown,
): Promise<void> => {
  for await (const page of paginateQuery({ client: dynamo }, input))
    await visit({ items: page.Items ?? [], count: page.Count ?? 0 });
};

export const everyScanPage = async (
  input: ScanCommandInput,
  visit: (page: ReadPage) => void,
): Promise<void> => {
  for await (const page of paginateScan({ client: dynamo }, input))
    visit({ items: page.Items ?? [], count: page.Count ?? 0 });
};

/** Every row of a small table (suppliers, webhooks, campaigns), sorted by `id`. */
export const everyRowById = async <T extends { id: string }>(input: ScanCommandInput): Promise<T[]> => {
  const rows: T[] = [];
  await everyScanPage(input, ({ items }) => rows.push(...(items as T[])));
  return rows.sort((a, b) => a.id.localeCompare(b.id));
};

/** A listing read a page at a time: the page after `cursor` (the first without one), and where the next starts. */
export type PageReader<T> = (cursor: string | undefined) => Promise<{ items: T[]; cursor: string | null }>;

/**
 * Every page of a cursor-paged listing, in order, read only when the caller asks for the next: a caller that
 * writes each page somewhere slower than DynamoDB (a streamed response) holds one page at a time.
 */
export async function* pagesOf<T>(readPage: PageReader<T>): AsyncGenerator<T[], void, undefined> {
  let cursor: string | undefined;
  do {
    const page = await readPage(cursor);
    yield page.items;
    cursor = page.cursor ?? undefined;
  } while (cursor !== undefined);
}
