/**
 * Reading a whole key range or a whole small table: every page of a Query or Scan, in order, each handed to
 * `visit` as it arrives. The one way a store reads "all of it" (pages a caller asks for one at a time go
 * through merged-query.ts).
 */
import {
  QueryCommand,
  ScanCommand,
  type QueryCommandInput,
  type ScanCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../shared/dynamo';

type Item = Record<string, unknown>;

export interface ReadPage {
  items: Item[];
  /** Rows counted (with `Select: 'COUNT'` there are no items). */
  count: number;
}

const everyPage = async (
  read: (start: Item | undefined) => Promise<{ Items?: Item[]; Count?: number; LastEvaluatedKey?: Item }>,
  visit: (page: ReadPage) => void,
): Promise<void> => {
  let start: Item | undefined;
  do {
    const page = await read(start);
    visit({ items: page.Items ?? [], count: page.Count ?? 0 });
    start = page.LastEvaluatedKey;
  } while (start);
};

export const everyQueryPage = (input: QueryCommandInput, visit: (page: ReadPage) => void): Promise<void> =>
  everyPage((start) => dynamo.send(new QueryCommand({ ...input, ExclusiveStartKey: start })), visit);

export const everyScanPage = (input: ScanCommandInput, visit: (page: ReadPage) => void): Promise<void> =>
  everyPage((start) => dynamo.send(new ScanCommand({ ...input, ExclusiveStartKey: start })), visit);

/** Every row of a small table (suppliers, webhooks, campaigns), sorted by `id`. */
export const everyRowById = async <T extends { id: string }>(input: ScanCommandInput): Promise<T[]> => {
  const rows: T[] = [];
  await everyScanPage(input, ({ items }) => rows.push(...(items as T[])));
  return rows.sort((a, b) => a.id.localeCompare(b.id));
};
