/**
 * PlatformFunction: the one way this project makes a Lambda function, from its `platform.functions` entry.
 *
 * It fixes what every function shares (Node.js 22 on arm64, X-Ray tracing, minified bundle with source
 * maps, its own log group with a retention) and offers one `bind…` method per kind of access, each setting
 * the environment variable the handler reads *and* the matching IAM grant, so the two cannot drift apart.
 */
import * as path from 'node:path';
import { Duration, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  bundleDefines,
  queueEnv,
  tableEnv,
  type Access,
  configVariables,
  FUNCTION_ENV,
  type ConfigName,
  type ConfigVariable,
  type FunctionDefinition,
  type FunctionName,
  type QueueDefinition,
  type QueueName,
  type TableDefinition,
  type TableName,
} from './platform';

/** Repository root: `platform.functions[*].entry` paths are relative to it. */
export const repositoryRoot = path.resolve(__dirname, '..');

// Only the item calls the handlers make (transactions are authorized per item action): unlike CDK's
// grantReadData / grantReadWriteData, no DescribeTable and no BatchWriteItem, which no handler calls.
const readActions = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
];
const writeActions = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];

export interface PlatformFunctionProps {
  readonly spec: FunctionDefinition;
  /** @default one month */
  readonly logRetention?: logs.RetentionDays;
}

export class PlatformFunction extends NodejsFunction {
  readonly spec: FunctionDefinition;

  constructor(
    scope: Construct,
    id: string,
    { spec, logRetention = logs.RetentionDays.ONE_MONTH }: PlatformFunctionProps,
  ) {
    // Our own log group and role: retention is ours to set, and the role can write to this log group only
    // instead of carrying the AWSLambdaBasicExecutionRole managed policy (logs:* on every log group).
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: logRetention });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${spec.name} function: ${spec.purpose}`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      description: spec.purpose,
      entry: path.join(repositoryRoot, spec.entry),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      role,
      environment: { NODE_OPTIONS: '--enable-source-maps', [FUNCTION_ENV]: spec.name },
      bundling: {
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        target: 'node22',
        format: OutputFormat.CJS,
        logLevel: LogLevel.WARNING,
        // The Node 22 runtime ships SDK v3 (`--external:@aws-sdk/*`): the bundle holds the platform's code and
        // its other libraries only. `npm run bench -- --only bundles` builds every function with these options
        // and measures its size and load time.
        bundleAwsSDK: false,
        // The function's own wiring (what it is given), so its configuration module needs no other declaration.
        define: bundleDefines(spec.name as FunctionName),
      },
    });
    this.spec = spec;

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime the platform is built and tested for (test/cdk asserts it); moving to a newer runtime is a deliberate upgrade, not a side effect of a new CDK release.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) does not support resource-level permissions; every other statement of this role names its resources.',
    });
  }

  /** Table name in `tableEnv(name)`, and read or read/write item access on the table and its declared indexes only. */
  bindTable(table: dynamodb.ITable, spec: TableDefinition, access: Access): void {
    this.addEnvironment(tableEnv(spec.name as TableName), table.tableName);
    // Index ARNs by name rather than the `index/*` wildcard of table.grantReadData: exactly what the spec declares.
    const resources = [
      table.tableArn,
      ...spec.indexes.map((index) => `${table.tableArn}/index/${index.name}`),
    ];
    this.addToRolePolicy(new iam.PolicyStatement({ actions: readActions, resources }));
    if (access === 'readWrite') {
      this.addToRolePolicy(new iam.PolicyStatement({ actions: writeActions, resources: [table.tableArn] }));
    }
  }

  /** Queue URL in `queueEnv(name)`, and permission to send to it. */
  bindQueue(queue: sqs.IQueue, name: QueueName): void {
    this.addEnvironment(queueEnv(name), queue.queueUrl);
    // SendMessage alone (SendMessageBatch is authorized by it): the URL comes from the environment, so no
    // GetQueueUrl or GetQueueAttributes as grantSendMessages adds. Queues are SQS-managed encrypted, so no key grant.
    queue.grant(this, 'sqs:SendMessage');
  }

  /**
   * Queue URL in `queueEnv(name)`, and permission to read its attributes alone (GetQueueAttributes: how many
   * messages wait and are in flight), not to send to it or receive from it.
   */
  bindQueueDepth(queue: sqs.IQueue, name: QueueName): void {
    this.addEnvironment(queueEnv(name), queue.queueUrl);
    queue.grant(this, 'sqs:GetQueueAttributes');
  }

  /**
   * A URL of its own whose answers stream (invoke mode RESPONSE_STREAM), for CloudFront's behaviours of its
   * streamed routes (lib/web.ts). Auth type NONE, like API Gateway's own endpoint: public, and the function
   * refuses any request without the origin secret CloudFront adds (why not OAC: lib/web.ts).
   */
  streamThroughUrl(): lambda.FunctionUrl {
    return this.addFunctionUrl({
      authType: lambda.FunctionUrlAuthType.NONE,
      invokeMode: lambda.InvokeMode.RESPONSE_STREAM,
    });
  }

  /** Invoked with batches of the queue's messages; failed records go back to the queue, not the whole batch. */
  consume(queue: sqs.IQueue, spec: QueueDefinition): void {
    // The consumer knows its own queue's URL, to delay a record's retry (exponential backoff); the event
    // source's grant already allows ChangeMessageVisibility.
    this.addEnvironment(queueEnv(spec.name as QueueName), queue.queueUrl);
    this.addEventSource(
      new SqsEventSource(queue, {
        batchSize: spec.batchSize,
        reportBatchItemFailures: true,
        // Bounds concurrent batches, so per-instance limits (the SES send rate) add up to a known total.
        maxConcurrency: spec.maxConcurrency,
      }),
    );
  }

  /**
   * Sets the plain configuration variables the spec lists for this function (the spec's default where the
   * deployment gives none), failing on any without a value.
   */
  configure(values: Partial<Record<ConfigName, string>>): void {
    for (const name of this.spec.config) {
      const value = values[name] ?? (configVariables[name] as ConfigVariable).default;
      if (value === undefined) {
        throw new Error(`No value for ${name}, which the ${this.spec.name} function needs`);
      }
      this.addEnvironment(name, value);
    }
  }
}
