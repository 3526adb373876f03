/**
 * The whole stack, as `cdk synth` builds it (bar the bundling: config-reach.test.ts bundles each function), against the spec in lib/platform.ts: every function
 * runs on the agreed runtime with exactly the tables, queues and configuration it declares (its
 * permissions: security.test.ts), queue consumers report partial batch failures, and every route reaches the
 * function the spec names.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import {
  environmentOf,
  FUNCTION_ENV,
  functions as functionSpecs,
  queueEnv,
  queueConsumedBy,
  queues as queueSpecs,
  routeKey,
  routes,
  tableEnv,
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

const context = {
  defaultSender: 'Corner Shop <hello@shop.example>',
  senderDomain: 'shop.example',
  signupRateLimit: '5',
  emailSendRatePerSecond: '3',
};

/** The routes API Gateway serves (the streamed ones go to their function's URL: lib/web.ts). */
const gatewayRoutes = routes.filter((route) => !route.streamed);

describe('BackorderPlatform stack', () => {
  let platform: SynthesizedPlatform;
  let template: Template;
  let resources: Record<string, Json>;

  const fn = (name: string) => platform.stack.functions.functions[name as FunctionName];
  const functionResource = (name: string): Json => resources[logicalId(fn(name))];
  const tableId = (name: TableName) => logicalId(platform.stack.storage.tables[name]);

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
    // The queues it sends to, the one it consumes (to back off a record's retry), and those whose depth it
    // reads (to share the SES rate by).
    const consumed = queueConsumedBy(spec.name as FunctionName);
    const queues = [...spec.sendsTo, ...(consumed ? [consumed.name] : []), ...(spec.queueDepths ?? [])];
    for (const queue of queues as QueueName[]) {
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
      (key) => !/^(TABLE|QUEUE)_/.test(key) && key !== 'NODE_OPTIONS' && key !== FUNCTION_ENV,
    );
    expect(config.sort()).toEqual([...spec.config].sort());
    // The whole environment is what the runtime lets it read (lambdas/runtime/config.ts).
    expect(
      Object.keys(variables)
        .filter((key) => key !== 'NODE_OPTIONS' && key !== FUNCTION_ENV)
        .sort(),
    ).toEqual(environmentOf(name as FunctionName).sort());
    expect(variables[FUNCTION_ENV]).toBe(name);
  });

  it('configuration comes from context, the site URL and the SES configuration set', () => {
    const variables: Record<string, Json> = functionResource('sender').Properties.Environment.Variables;
    expect(variables.DEFAULT_SENDER).toBe(context.defaultSender);
    // The account's SES rate, shared out between the sending queues by their depths, which the sender reads.
    expect(variables.EMAIL_SEND_RATE_PER_SECOND).toBe('3');
    for (const queue of ['email', 'alert', 'nurture'] as const)
      expect(variables[queueEnv(queue)]).toEqual({ Ref: logicalId(platform.stack.queues.queues[queue]) });
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

  // Least privilege (every grant of every role, exactly as the spec implies) is asserted in security.test.ts.

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

  // Streamed routes are served through their function's URL, not API Gateway: test/cdk/exports.test.ts.
  it.each(gatewayRoutes.map((route) => [routeKey(route), route.function] as const))(
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
