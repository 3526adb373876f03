/**
 * The whole stack, bundled as `cdk synth` bundles it, against the spec in lib/platform.ts: every function
 * runs on the agreed runtime with exactly the tables, queues, email permission and configuration it
 * declares (least privilege), queue consumers report partial batch failures, and every route reaches the
 * function the spec names.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import {
  functions as functionSpecs,
  queueEnv,
  queueConsumedBy,
  queues as queueSpecs,
  routeKey,
  routes,
  tableEnv,
  tables as tableSpecs,
  type FunctionDefinition,
  type FunctionName,
  type QueueDefinition,
  type QueueName,
  type TableName,
} from '../../lib/platform';
import { logicalId, synthesizePlatform, type SynthesizedPlatform } from './stacks';

type Json = any;

const functionList = (Object.values(functionSpecs) as FunctionDefinition[]).map(
  (spec) => [spec.name, spec] as const,
);
const tableNames = Object.keys(tableSpecs) as TableName[];
const writeActions = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

const context = {
  defaultSender: 'Corner Shop <hello@shop.example>',
  senderDomain: 'shop.example',
  signupRateLimit: '5',
  emailSendRatePerSecond: '3',
};

describe('BackorderPlatform stack', () => {
  let platform: SynthesizedPlatform;
  let template: Template;
  let resources: Record<string, Json>;

  const fn = (name: string) => platform.stack.functions.functions[name as FunctionName];
  const functionResource = (name: string): Json => resources[logicalId(fn(name))];
  const tableId = (name: TableName) => logicalId(platform.stack.storage.tables[name]);
  const policyStatements = (name: string): Json[] => {
    const role = { Ref: logicalId(fn(name).role!) };
    return Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(JSON.stringify(role)))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
  };
  const actionsOf = (statement: Json): string[] => [statement.Action].flat();

  beforeAll(() => {
    platform = synthesizePlatform(context);
    template = platform.template;
    resources = template.toJSON().Resources;
  });

  it.each(functionList)(
    '%s runs on Node.js 22 on arm64, traced, with the memory and timeout of its spec',
    (name, spec) => {
      expect(functionResource(name).Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: spec.memoryMb,
        Timeout: spec.timeoutSeconds,
        TracingConfig: { Mode: 'Active' },
        Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
      });
    },
  );

  it.each(functionList)('%s logs to its own log group, kept for a month', (name) => {
    const logGroup = functionResource(name).Properties.LoggingConfig.LogGroup;
    expect(resources[logGroup.Ref]).toMatchObject({
      Type: 'AWS::Logs::LogGroup',
      Properties: { RetentionInDays: 30 },
    });
  });

  it.each(functionList)('%s learns the names of exactly the tables and queues it declares', (name, spec) => {
    const variables: Record<string, Json> = functionResource(name).Properties.Environment.Variables;
    const expected: Record<string, Json> = {};
    for (const table of Object.keys(spec.tables) as TableName[])
      expected[tableEnv(table)] = { Ref: tableId(table) };
    // The queues it sends to, and the one it consumes (to back off a record's retry).
    const consumed = queueConsumedBy(spec.name as FunctionName);
    for (const queue of [...spec.sendsTo, ...(consumed ? [consumed.name] : [])] as QueueName[]) {
      expected[queueEnv(queue)] = { Ref: logicalId(platform.stack.queues.queues[queue]) };
    }
    const wiring = Object.fromEntries(
      Object.entries(variables).filter(([key]) => /^(TABLE|QUEUE)_/.test(key)),
    );
    expect(wiring).toEqual(expected);
  });

  it.each(functionList)('%s gets every configuration variable it declares, and only those', (name, spec) => {
    const variables: Record<string, Json> = functionResource(name).Properties.Environment.Variables;
    const config = Object.keys(variables).filter(
      (key) => !/^(TABLE|QUEUE)_/.test(key) && key !== 'NODE_OPTIONS',
    );
    expect(config.sort()).toEqual([...spec.config].sort());
  });

  it('configuration comes from context, the site URL and the SES configuration set', () => {
    const variables: Record<string, Json> = functionResource('sender').Properties.Environment.Variables;
    expect(variables.DEFAULT_SENDER).toBe(context.defaultSender);
    // The account's SES rate; each sending queue's batches pace themselves to their share of it.
    expect(variables.EMAIL_SEND_RATE_PER_SECOND).toBe('3');
    const shares = Object.values(queueSpecs).map((q): number => ('sendRateShare' in q ? q.sendRateShare : 0));
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1);
    expect(variables.SES_CONFIGURATION_SET).toEqual({
      Ref: logicalId(platform.stack.email.configurationSet),
    });
    expect(variables.PUBLIC_BASE_URL).toEqual({
      'Fn::Join': [
        '',
        ['https://', { 'Fn::GetAtt': [logicalId(platform.stack.web.distribution), 'DomainName'] }],
      ],
    });
    expect(functionResource('publicApi').Properties.Environment.Variables.SIGNUP_RATE_LIMIT).toBe('5');
  });

  describe.each(functionList)('least privilege: %s', (name, spec) => {
    const statementsOn = (table: TableName) =>
      policyStatements(name).filter((statement) =>
        JSON.stringify(statement.Resource).includes(`"${tableId(table)}"`),
      );

    it.each(tableNames)('touches the %s table only as its spec allows', (table) => {
      const access = (spec.tables as Partial<Record<TableName, string>>)[table];
      const actions = statementsOn(table).flatMap(actionsOf);
      if (access === undefined) {
        expect(actions).toEqual([]);
      } else {
        expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
        if (access === 'readWrite') expect(actions).toEqual(expect.arrayContaining(writeActions));
        else expect(actions.filter((action) => writeActions.includes(action))).toEqual([]);
      }
    });

    it('never gets a wildcard DynamoDB action or a table it does not declare', () => {
      const dynamoStatements = policyStatements(name).filter((statement) =>
        actionsOf(statement).some((action) => action.startsWith('dynamodb:')),
      );
      for (const statement of dynamoStatements) {
        expect(actionsOf(statement).filter((action) => action.includes('*'))).toEqual([]);
        for (const resource of [statement.Resource].flat()) {
          const table = tableNames.find((candidate) =>
            JSON.stringify(resource).includes(`"${tableId(candidate)}"`),
          );
          expect(table && Object.keys(spec.tables)).toContain(table);
        }
      }
    });

    it(
      spec.sendsEmail
        ? 'may send raw email, only from the sender domain through the configuration set'
        : 'cannot send email',
      () => {
        const ses = policyStatements(name).filter((statement) =>
          actionsOf(statement).some((a) => a.startsWith('ses:')),
        );
        if (!spec.sendsEmail) {
          expect(ses).toEqual([]);
          return;
        }
        expect(ses.flatMap(actionsOf)).toEqual(['ses:SendRawEmail']);
        const resourceText = JSON.stringify(ses.map((statement) => statement.Resource));
        expect(resourceText).toContain(':identity/shop.example');
        expect(resourceText).toContain(':configuration-set/');
        expect(resourceText).not.toContain('*');
      },
    );

    it(
      spec.sendsTo.length ? `may send to ${spec.sendsTo.join(', ')} and no other queue` : 'sends to no queue',
      () => {
        const sendTargets = policyStatements(name)
          .filter((statement) => actionsOf(statement).includes('sqs:SendMessage'))
          .flatMap((statement) => [statement.Resource].flat());
        const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));
        expect(sendTargets.sort(byJson)).toEqual(
          (spec.sendsTo as QueueName[])
            .map((queue) => ({ 'Fn::GetAtt': [logicalId(platform.stack.queues.queues[queue]), 'Arn'] }))
            .sort(byJson),
        );
      },
    );
  });

  it.each((Object.values(queueSpecs) as QueueDefinition[]).map((spec) => [spec.name, spec] as const))(
    'the %s queue feeds its consumer in batches, reporting partial batch failures',
    (name, spec) => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [logicalId(platform.stack.queues.queues[name as QueueName]), 'Arn'] },
        FunctionName: { Ref: logicalId(fn(spec.consumer)) },
        BatchSize: spec.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: spec.maxConcurrency },
      });
      expect(Object.keys(template.findResources('AWS::Lambda::EventSourceMapping'))).toHaveLength(
        Object.keys(queueSpecs).length,
      );
    },
  );

  it.each((Object.values(queueSpecs) as QueueDefinition[]).map((spec) => [spec.name, spec] as const))(
    "a message of the %s queue stays invisible for at least six times its consumer's timeout",
    (name, spec) => {
      const queue = resources[logicalId(platform.stack.queues.queues[name as QueueName])];
      expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(
        6 * functionResource(spec.consumer).Properties.Timeout,
      );
    },
  );

  it.each(routes.map((route) => [routeKey(route), route.function] as const))(
    '%s is served by the %s function',
    (key, name) => {
      const [route] = Object.values(
        template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: key } }),
      );
      const integrationId = route.Properties.Target['Fn::Join'][1][1].Ref;
      expect(resources[integrationId].Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [logicalId(fn(name)), 'Arn'] },
      });
    },
  );

  it('verifies the sender domain as an SES identity sending through the configuration set', () => {
    template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'shop.example',
      ConfigurationSetAttributes: {
        ConfigurationSetName: {
          Ref: logicalId(platform.stack.email.configurationSet),
        },
      },
    });
  });
});
