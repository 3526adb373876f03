/**
 * The one way a backorder records something that happens once (a checkout click, a "keep my place"): its
 * attributes and event in one update conditioned on it not having happened yet, with the counters it moves
 * in the same transaction, so it is counted once however often it is asked for.
 */
import { tableName } from '../runtime/config';
import { conditionFailedAt, transactWrite } from '../runtime/transact';
import type { BackorderEvent } from '../domain/backorder';
import type { CounterChanges } from '../domain/statistics';
import { counterUpdates } from './stats-store';

export interface OnceMark {
  /** Attributes to set (`:name` placeholders for their values). */
  set: Record<string, unknown>;
  event: BackorderEvent;
  /** What the backorder must be for it to happen, over `#status` and the placeholders of `values`. */
  condition: string;
  values: Record<string, unknown>;
}

/** True when it happened now; false when its condition did not hold (it happened before, or cannot). */
export const markOnce = async (
  backorderId: string,
  mark: OnceMark,
  counters: CounterChanges,
): Promise<boolean> => {
  const set = Object.entries(mark.set);
  try {
    await transactWrite(() => [
      {
        Update: {
          TableName: tableName('backorders'),
          Key: { id: backorderId },
          UpdateExpression: `SET ${set.map(([name]) => `${name} = :${name}, `).join('')}events = list_append(events, :event)`,
          ConditionExpression: mark.condition,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ...Object.fromEntries(set.map(([name, value]) => [`:${name}`, value])),
            ':event': [mark.event],
            ...mark.values,
          },
        },
      },
      ...counterUpdates(counters),
    ]);
    return true;
  } catch (error) {
    if (conditionFailedAt(error, 0)) return false;
    throw error;
  }
};
