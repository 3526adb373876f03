/**
 * Persistence of nurture campaigns. Campaigns are few (a shop has tens), so listing scans.
 */
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { tableName } from '../runtime/config';
import type { Campaign, CampaignInput } from '../domain/campaign';
import { everyRowById } from './every-page';

export const getCampaign = async (id: string): Promise<Campaign | undefined> => {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName('campaigns'), Key: { id }, ConsistentRead: true }),
  );
  return Item as Campaign | undefined;
};

/**
 * Read consistently: a confirmation that just went out enrols its shopper in the campaigns active now, and a
 * campaign saved a moment before must be among them (its enrolment job leaves later signups to this).
 */
export const listCampaigns = (): Promise<Campaign[]> =>
  everyRowById<Campaign>({ TableName: tableName('campaigns'), ConsistentRead: true });

/** Saves a campaign whole, bumping its version; returns it with what it replaced. */
export const saveCampaign = async (
  id: string,
  input: CampaignInput,
): Promise<{ campaign: Campaign; previous?: Campaign }> => {
  const now = new Date().toISOString();
  const { Attributes } = await dynamo.send(
    new UpdateCommand({
      TableName: tableName('campaigns'),
      Key: { id },
      UpdateExpression:
        'SET #name = :name, active = :active, audience = :audience, steps = :steps, updatedAt = :now, createdAt = if_not_exists(createdAt, :now) ADD version :one',
      ExpressionAttributeNames: { '#name': 'name' },
      ExpressionAttributeValues: {
        ':name': input.name,
        ':active': input.active,
        ':audience': input.audience ?? {},
        ':steps': input.steps,
        ':now': now,
        ':one': 1,
      },
      ReturnValues: 'ALL_OLD',
    }),
  );
  const previous = Attributes as Campaign | undefined;
  const campaign: Campaign = {
    id,
    ...input,
    audience: input.audience ?? {},
    version: (previous?.version ?? 0) + 1,
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
  };
  return { campaign, previous };
};

export const deleteCampaign = async (id: string): Promise<boolean> => {
  const { Attributes } = await dynamo.send(
    new DeleteCommand({ TableName: tableName('campaigns'), Key: { id }, ReturnValues: 'ALL_OLD' }),
  );
  return Attributes !== undefined;
};
