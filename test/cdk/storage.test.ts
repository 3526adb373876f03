/**
 * Storage keeps every table the spec declares, and no shopper's backorder can be lost to a deploy:
 * recovery, deletion protection and retention on every table; keys, indexes and TTL exactly as declared.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { tables, type KeyDefinition, type TableDefinition, type TableName } from '../../lib/platform';
import { Storage } from '../../lib/storage';
import { bareStack, logicalId } from './stacks';

const specs = (Object.values(tables) as TableDefinition[]).map((spec) => [spec.name, spec] as const);

const keySchema = (partition: KeyDefinition, sort?: KeyDefinition) => [
  { AttributeName: partition.name, KeyType: 'HASH' },
  ...(sort ? [{ AttributeName: sort.name, KeyType: 'RANGE' }] : []),
];

describe('Storage', () => {
  let template: Template;
  let storage: Storage;
  const tableResource = (spec: TableDefinition): any =>
    template.toJSON().Resources[logicalId(storage.tables[spec.name as TableName])];

  beforeAll(() => {
    const stack = bareStack();
    storage = new Storage(stack, 'Storage');
    template = Template.fromStack(stack);
  });

  it('creates exactly one table per spec entry', () => {
    expect(Object.keys(template.findResources('AWS::DynamoDB::Table')).sort()).toEqual(
      specs.map(([name]) => logicalId(storage.tables[name as TableName])).sort(),
    );
  });

  it.each(specs)(
    'the %s table is on-demand, recoverable, encrypted, protected from deletion and retained',
    (_, spec) => {
      const table = tableResource(spec);
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.UpdateReplacePolicy).toBe('Retain');
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: { SSEEnabled: true },
      });
    },
  );

  it.each(specs)('the %s table has the keys, indexes and TTL of its spec', (_, spec) => {
    const { Properties: table } = tableResource(spec);
    expect(table.KeySchema).toEqual(keySchema(spec.partitionKey, spec.sortKey));
    expect(table.GlobalSecondaryIndexes ?? []).toEqual(
      spec.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: keySchema(index.partitionKey, index.sortKey),
        Projection:
          typeof index.projection === 'string'
            ? { ProjectionType: index.projection }
            : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection] },
      })),
    );
    expect(table.TimeToLiveSpecification).toEqual(
      spec.timeToLiveAttribute ? { AttributeName: spec.timeToLiveAttribute, Enabled: true } : undefined,
    );
  });
});
