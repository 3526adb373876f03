/**
 * Storage: one DynamoDB table per entry of `platform.tables`, with the keys, indexes and TTL declared there.
 *
 * The tables hold shoppers' backorders and the ledger that makes "only once" rules hold; losing either
 * would break promises to shoppers. So every table has point-in-time recovery, deletion protection and a
 * RETAIN policy: no stack update or `cdk destroy` can drop data by accident.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { constructId } from './ids';
import {
  tables as tableSpecs,
  type IndexDefinition,
  type KeyDefinition,
  type TableDefinition,
  type TableName,
} from './platform';

const attribute = (key: KeyDefinition): dynamodb.Attribute => ({
  name: key.name,
  type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
});

const projection = (
  index: IndexDefinition,
): Pick<dynamodb.GlobalSecondaryIndexProps, 'projectionType' | 'nonKeyAttributes'> => {
  if (index.projection === 'ALL') return { projectionType: dynamodb.ProjectionType.ALL };
  if (index.projection === 'KEYS_ONLY') return { projectionType: dynamodb.ProjectionType.KEYS_ONLY };
  return { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...index.projection] };
};

export class Storage extends Construct {
  readonly tables: Record<TableName, dynamodb.Table>;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const specs = Object.values(tableSpecs) as TableDefinition[];
    this.tables = Object.fromEntries(specs.map((spec) => [spec.name, this.createTable(spec)])) as Record<
      TableName,
      dynamodb.Table
    >;
  }

  private createTable(spec: TableDefinition): dynamodb.Table {
    // No physical name: CloudFormation picks a unique one per stack, and functions learn it from tableEnv().
    const table = new dynamodb.Table(this, constructId(spec.name), {
      partitionKey: attribute(spec.partitionKey),
      sortKey: spec.sortKey && attribute(spec.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      timeToLiveAttribute: spec.timeToLiveAttribute,
    });
    for (const index of spec.indexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: attribute(index.partitionKey),
        sortKey: index.sortKey && attribute(index.sortKey),
        ...projection(index),
      });
    }
    return table;
  }
}
