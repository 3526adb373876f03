/**
 * Functions: one PlatformFunction per entry of `platform.functions`, bound to exactly the tables, queues,
 * email permission and configuration its entry declares, and subscribed to the queue it consumes.
 *
 * Least privilege falls out of the spec: a function that does not list a table gets neither its name
 * nor any permission on it; one that reads the sending queues' depths may read their attributes alone.
 */
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { constructId } from './ids';
import {
  functions as functionSpecs,
  queueConsumedBy,
  tables as tableSpecs,
  type Access,
  type ConfigValues,
  type FunctionDefinition,
  type FunctionName,
  type QueueName,
  type TableDefinition,
  type TableName,
} from './platform';
import { PlatformFunction } from './platform-function';

export interface FunctionsProps {
  readonly tables: Record<TableName, dynamodb.ITable>;
  readonly queues: Record<QueueName, sqs.IQueue>;
  readonly email: { grantSendRawEmail(grantee: iam.IGrantable): iam.Grant };
  /** A value for every configuration variable without a default: a new one in the spec is a compile error here. */
  readonly config: ConfigValues;
}

export class Functions extends Construct {
  readonly functions: Record<FunctionName, PlatformFunction>;

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const specs = Object.values(functionSpecs) as FunctionDefinition[];
    this.functions = Object.fromEntries(
      specs.map((spec) => [spec.name, this.createFunction(spec, props)]),
    ) as Record<FunctionName, PlatformFunction>;
  }

  private createFunction(spec: FunctionDefinition, props: FunctionsProps): PlatformFunction {
    const fn = new PlatformFunction(this, constructId(spec.name), { spec });
    for (const [name, access] of Object.entries(spec.tables) as [TableName, Access][]) {
      fn.bindTable(props.tables[name], tableSpecs[name] as TableDefinition, access);
    }
    for (const name of spec.sendsTo) fn.bindQueue(props.queues[name], name);
    for (const name of spec.queueDepths ?? []) fn.bindQueueDepth(props.queues[name], name);
    const consumed = queueConsumedBy(spec.name as FunctionName);
    if (consumed) fn.consume(props.queues[consumed.name as QueueName], consumed);
    if (spec.sendsEmail) props.email.grantSendRawEmail(fn);
    fn.configure(props.config);
    return fn;
  }
}
