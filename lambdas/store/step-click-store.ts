/**
 * Clicks on a nurture step's email: a shopper who opens their status page from the step's link. Owns the
 * ledger rows `stepclick#<backorder>#<campaign>#<step>`, each written once, with the step's `clicks` counter
 * in the same transaction, so a step counts each shopper once however often they click.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { tableName } from '../runtime/config';
import { conditionFailedAt, transactWrite } from '../runtime/transact';
import { stepClickChanges } from '../domain/funnel';
import { counterUpdates } from './stats-store';

/** How long a click is remembered: long after a sequence's last email could still be clicked. */
const CLICK_MEMORY_SECONDS = 400 * 24 * 3600;

/**
 * Counts the click if that step's email was sent to this backorder (its send record says so, so a link with
 * a made-up step counts nothing) and the shopper's click is the first.
 */
export const recordStepClick = async (
  backorderId: string,
  step: { campaignId: string; stepId: string },
  nowMs: number,
): Promise<boolean> => {
  const { Item } = await dynamo.send(
    new GetCommand({
      TableName: tableName('ledger'),
      Key: { key: `email#nurture#${backorderId}#${step.campaignId}#${step.stepId}` },
    }),
  );
  if (Item?.state !== 'sent') return false;
  try {
    await transactWrite(() => [
      {
        Put: {
          TableName: tableName('ledger'),
          Item: {
            key: `stepclick#${backorderId}#${step.campaignId}#${step.stepId}`,
            at: new Date(nowMs).toISOString(),
            expiresAt: Math.floor(nowMs / 1000) + CLICK_MEMORY_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(#key)',
          ExpressionAttributeNames: { '#key': 'key' },
        },
      },
      ...counterUpdates(stepClickChanges({ id: backorderId }, step)),
    ]);
    return true;
  } catch (error) {
    if (conditionFailedAt(error, 0)) return false;
    throw error;
  }
};
