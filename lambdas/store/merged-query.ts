/**
 * Paging through an index whose partition is split into shards, so that no one key takes every write: the
 * shards are read side by side and merged by the index's sort key, so a page holds exactly what one unsplit
 * partition would have given, oldest first. The one way listings page (a single partition is one shard):
 * a page at a time by cursor (`mergedPage`), or every page in turn for a reader of the whole (`mergedPages`).
 * Over an index that projects only keys, `rowsOf` reads each round's rows by key (one batch for all shards)
 * and leaves out those a condition on the row refuses, as a filter on the index's items would.
 *
 * The cursor holds, per shard, the key it stopped after: `null` not begun, `0` read to its end, or
 * `[sortKey, id]`. Everything of a shard up to its position was either on a page or left out by the filter.
 */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { ValidationError } from '../runtime/errors';

type Item = Record<string, unknown>;
type Position = null | 0 | [string, string];

export interface MergedQuery {
  /** The same query (table, index, filter, projection) of each shard: KeyConditionExpression fixes its partition. */
  shards: readonly QueryCommandInput[];
  /** Attribute names of the index's partition key, its sort key and the table's key. */
  keys: { partition: string; sort: string; id: string };
  /** The partition key's value in each shard's query, in the same order. */
  partitions: readonly string[];
  limit: number;
  cursor?: string;
  /**
   * For an index that projects less than the page shows: the rows a round's entries (of every shard read in
   * it) stand for, in the same order, each undefined when the page leaves it out (gone, or refused by a
   * condition on the row itself). Without it the page is the index's items, as the shard queries filter them.
   */
  rowsOf?: (entries: Item[]) => Promise<(Item | undefined)[]>;
}

export interface MergedPage {
  items: Item[];
  cursor: string | null;
}

/**
 * Rounds of reads a page may take before it ends short: with a filter that leaves out most rows, a page
 * stops at a bounded cost and the cursor goes on from there (as a single filtered query's page does).
 */
const MAX_ROUNDS = 8;
/** A page's cursor: 16 shards' keys take at most ~1 900 characters; the queues' and API's limits are 4 096. */
const MAX_CURSOR_LENGTH = 4096;

interface Shard {
  input: QueryCommandInput;
  partition: string;
  position: Position;
  /** Where the next read starts: the position, or beyond rows read but not on the page. */
  readFrom: Position;
  buffer: Item[];
  /** Nothing more to read from DynamoDB (the buffer may still hold rows). */
  exhausted: boolean;
}

const invalidCursor = () =>
  new ValidationError('The cursor is not valid', [{ path: 'cursor', message: 'unknown cursor' }]);

const isPosition = (value: unknown): value is Position =>
  value === null ||
  value === 0 ||
  (Array.isArray(value) &&
    value.length === 2 &&
    value.every((part) => typeof part === 'string' && part.length > 0 && part.length <= 512));

const decode = (cursor: string | undefined, shards: number): Position[] => {
  if (cursor === undefined || cursor === '') return Array.from({ length: shards }, () => null);
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalidCursor();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== shards || !parsed.every(isPosition)) throw invalidCursor();
  return parsed;
};

const encode = (positions: readonly Position[]): string | null =>
  positions.every((position) => position === 0)
    ? null
    : Buffer.from(JSON.stringify(positions), 'utf8').toString('base64url');

/** The shards of a listing, each where the cursor left it, nothing read yet. */
const shardsOf = (query: MergedQuery): Shard[] =>
  decode(query.cursor, query.shards.length).map((position, i) => ({
    input: query.shards[i],
    partition: query.partitions[i],
    position,
    readFrom: position,
    buffer: [],
    exhausted: position === 0,
  }));

/**
 * Takes up to `limit` rows, oldest first, from the shards' buffers, reading a shard again when its buffer runs
 * dry; rows read past the page stay in the buffers. `done` once every shard is read to its end and emptied.
 */
const takePage = async (
  shards: Shard[],
  { keys, limit, rowsOf }: Pick<MergedQuery, 'keys' | 'limit' | 'rowsOf'>,
): Promise<{ items: Item[]; done: boolean }> => {
  const orderOf = (item: Item): [string, string] => [String(item[keys.sort]), String(item[keys.id])];
  const before = (a: [string, string], b: [string, string]) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
  // Each shard's share of a page, with room for an uneven spread; a shard that runs dry is read again.
  const chunk = shards.length === 1 ? limit : Math.max(4, Math.ceil((2 * limit) / shards.length));

  const read = async (shard: Shard): Promise<Item[]> => {
    const from = shard.readFrom;
    const { Items = [], LastEvaluatedKey } = await dynamo.send(
      new QueryCommand({
        ...shard.input,
        Limit: chunk,
        ExclusiveStartKey: Array.isArray(from)
          ? { [keys.partition]: shard.partition, [keys.sort]: from[0], [keys.id]: from[1] }
          : undefined,
      }),
    );
    shard.exhausted = LastEvaluatedKey === undefined;
    shard.readFrom = LastEvaluatedKey
      ? [String(LastEvaluatedKey[keys.sort]), String(LastEvaluatedKey[keys.id])]
      : 0;
    return Items;
  };

  /** A round's reads side by side; then, for a keys-only index, their rows by key in one go. */
  const readRound = async (toRead: Shard[]) => {
    if (toRead.length === 0) return;
    const entries = await Promise.all(toRead.map(read));
    const rows = rowsOf ? await rowsOf(entries.flat()) : entries.flat();
    let next = 0;
    for (const [i, shard] of toRead.entries()) {
      shard.buffer = rows
        .slice(next, (next += entries[i].length))
        .filter((row): row is Item => row !== undefined);
      // Every row read was left out by the filter: the shard's place moves past them.
      if (shard.buffer.length === 0) shard.position = shard.readFrom;
    }
  };

  const items: Item[] = [];
  const done = () => shards.every((s) => s.buffer.length === 0 && s.exhausted);
  for (let round = 0; items.length < limit && round < MAX_ROUNDS; round++) {
    await readRound(shards.filter((s) => s.buffer.length === 0 && !s.exhausted));
    // Rows are taken while the oldest buffered row is older than anything a shard not yet read further
    // could still hold (its rows up to where it was read were all left out).
    for (;;) {
      if (items.length >= limit) break;
      let next: Shard | undefined;
      for (const shard of shards)
        if (shard.buffer.length > 0 && (!next || before(orderOf(shard.buffer[0]), orderOf(next.buffer[0]))))
          next = shard;
      if (!next) break;
      const head = orderOf(next.buffer[0]);
      const blocked = shards.some(
        (s) =>
          s.buffer.length === 0 &&
          !s.exhausted &&
          (s.position === null || (Array.isArray(s.position) && before(s.position, head))),
      );
      if (blocked) break;
      items.push(next.buffer.shift()!);
      next.position = head;
      if (next.buffer.length === 0 && next.exhausted) next.position = 0;
    }
    if (done()) break;
  }
  return { items, done: done() };
};

export const mergedPage = async (query: MergedQuery): Promise<MergedPage> => {
  const shards = shardsOf(query);
  const { items } = await takePage(shards, query);
  // Rows read past the page are left: the cursor says where the page ended, and the next page reads on from there.
  return { items, cursor: encode(shards.map((s) => s.position)) };
};

/**
 * Every page of a listing in turn, from its start, each read only when the caller asks for the next: for a
 * reader that goes through all of it (an export). Unlike pages asked for by cursor, the shards' reads go on
 * where the last page stopped, so rows read past a page are the next page's, never read twice.
 */
export async function* mergedPages(
  query: Omit<MergedQuery, 'cursor'>,
): AsyncGenerator<Item[], void, undefined> {
  const shards = shardsOf(query);
  for (;;) {
    const { items, done } = await takePage(shards, query);
    if (items.length > 0) yield items;
    if (done) return;
  }
}
