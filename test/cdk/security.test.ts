/**
 * The security promises of the whole synthesized stack, checked exhaustively against lib/platform.ts:
 *
 * - least privilege: every permission every function's role holds, from any construct, is exactly what
 *   its spec entry implies (its tables and their indexes, the queues it sends to and the one it consumes,
 *   the attributes of those whose depth it reads, SES, the inventory secret), and only API routes and schedules of the spec may invoke it;
 * - encryption at rest on every table, queue, topic and bucket, point-in-time recovery on every table;
 * - every queue redrives to its own dead-letter queue, and every dead-letter queue alarms the alerts topic;
 * - the API stage is throttled, every admin route (and only those) needs the Cognito JWT, and nothing
 *   reaches the admin function without it.
 *
 * ARNs in the template are CloudFormation intrinsics; `arnText` flattens them to text such as
 * `${StorageBackordersBB7D05C5.Arn}/index/byEmail`, and `describe` names what they point at
 * (`table/backorders/index/byEmail`), so a failure lists readable grants, not JSON.
 */
import {
  functions as functionSpecs,
  queueConsumedBy,
  queues as queueSpecs,
  routeKey,
  routes,
  schedules,
  tables as tableSpecs,
  type FunctionDefinition,
  type FunctionName,
  type QueueDefinition,
  type QueueName,
  type TableDefinition,
  type TableName,
} from '../../lib/platform';
import type { Scheduling } from '../../lib/scheduling';
import { AUTHORIZER_CACHE_SECONDS, consoleRoles } from '../../lib/access';
import { logicalId, synthesizePlatform, type SynthesizedPlatform } from './stacks';

type Json = any;

const functionList = (Object.values(functionSpecs) as FunctionDefinition[]).map(
  (spec) => [spec.name as FunctionName, spec] as const,
);
const queueList = (Object.values(queueSpecs) as QueueDefinition[]).map(
  (spec) => [spec.name as QueueName, spec] as const,
);
const tableList = (Object.values(tableSpecs) as TableDefinition[]).map(
  (spec) => [spec.name as TableName, spec] as const,
);

/** What each kind of access may do, and nothing more. */
const allowed = {
  tableRead: [
    'dynamodb:BatchGetItem',
    'dynamodb:ConditionCheckItem',
    'dynamodb:GetItem',
    'dynamodb:Query',
    'dynamodb:Scan',
  ],
  tableWrite: ['dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  queueSend: ['sqs:SendMessage'],
  // What the Lambda event source needs, plus ChangeMessageVisibility for the handlers' retry backoff.
  queueConsume: [
    'sqs:ChangeMessageVisibility',
    'sqs:DeleteMessage',
    'sqs:GetQueueAttributes',
    'sqs:GetQueueUrl',
    'sqs:ReceiveMessage',
  ],
  // How many messages a sending queue holds, to share the SES rate by (lambdas/use-cases/send-rate.ts).
  queueDepth: ['sqs:GetQueueAttributes'],
  email: ['ses:SendRawEmail'],
  secretRead: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
  logs: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  // X-Ray has no resource-level permissions: the one statement allowed on "*".
  tracing: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
};

/** SQS keeps a message four days unless told otherwise. */
const defaultQueueRetentionSeconds = 4 * 24 * 3600;

const context = {
  alarmEmail: 'oncall@shop.example',
  defaultSender: 'Corner Shop <hello@shop.example>',
  senderDomain: 'shop.example',
  apiRateLimit: '25',
  apiBurstLimit: '40',
};

/** An intrinsic-valued ARN as text: Ref → ${Id}, GetAtt → ${Id.Attr}, Join → the joined parts. */
const arnText = (value: Json): string => {
  if (typeof value === 'string') return value;
  if (value?.Ref !== undefined) return `\${${value.Ref}}`;
  if (value?.['Fn::GetAtt']) return `\${${value['Fn::GetAtt'].join('.')}}`;
  if (value?.['Fn::Join']) {
    const [separator, parts] = value['Fn::Join'];
    return parts.map(arnText).join(separator);
  }
  return JSON.stringify(value);
};

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : ([value].flat() as T[]));

/** Whether an execute-api ARN's path pattern matches a path: `*` matches anything, slashes included. */
const globMatches = (pattern: string, path: string): boolean =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  ).test(path);

const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();

/** What limits a function URL's permission: ", through its URL" (and its auth type), or nothing. */
const viaUrl = (permission: Json): string =>
  permission.FunctionUrlAuthType
    ? `, through its URL (auth ${permission.FunctionUrlAuthType})`
    : permission.InvokedViaFunctionUrl
      ? ', through its URL'
      : '';

describe('BackorderPlatform security', () => {
  let platform: SynthesizedPlatform;
  let resources: Record<string, Json>;
  /** ARN text → what it names, e.g. "table/backorders", "queue/email", "dead-letter-queue/email". */
  let names: Map<string, string>;

  const ofType = (type: string): [string, Json][] =>
    Object.entries(resources).filter(([, resource]) => resource.Type === type);
  const fn = (name: FunctionName) => platform.stack.functions.functions[name];
  const idOf = (construct: Parameters<typeof logicalId>[0]) => logicalId(construct);
  const describe_ = (arn: Json): string => names.get(arnText(arn)) ?? `unknown ${arnText(arn)}`;
  const sesArn = (resource: string, name: string): string =>
    `arn:\${AWS::Partition}:ses:\${AWS::Region}:\${AWS::AccountId}:${resource}/${name}`;

  beforeAll(() => {
    // IAM, encryption and routing do not depend on the bundled code: skip esbuild here.
    platform = synthesizePlatform({ ...context });
    resources = platform.template.toJSON().Resources;
    const { stack } = platform;
    names = new Map<string, string>([['*', '*']]);
    for (const [name, spec] of tableList) {
      const arn = `\${${idOf(stack.storage.tables[name])}.Arn}`;
      names.set(arn, `table/${name}`);
      for (const index of spec.indexes)
        names.set(`${arn}/index/${index.name}`, `table/${name}/index/${index.name}`);
      names.set(`${arn}/index/*`, `table/${name}/index/*`);
    }
    for (const [name] of queueList) {
      names.set(`\${${idOf(stack.queues.queues[name])}.Arn}`, `queue/${name}`);
      names.set(`\${${idOf(stack.queues.deadLetterQueues[name])}.Arn}`, `dead-letter-queue/${name}`);
    }
    for (const [name] of functionList) {
      const logGroup = resources[idOf(fn(name))].Properties.LoggingConfig.LogGroup.Ref;
      names.set(`\${${logGroup}.Arn}`, `log-group/${name}`);
    }
    expect(ofType('AWS::SecretsManager::Secret')).toHaveLength(3);
    names.set(`\${${idOf(stack.inventorySecret.secret)}}`, 'secret/inventory-webhook');
    names.set(`\${${idOf(stack.originSecret.secret)}}`, 'secret/origin-verify');
    names.set(`\${${idOf(stack.claimSecret.secret)}}`, 'secret/claim-key');
    for (const identity of stack.email.senderIdentities)
      names.set(sesArn('identity', identity), `ses/identity/${identity}`);
    names.set(
      sesArn('configuration-set', `\${${idOf(stack.email.configurationSet)}}`),
      'ses/configuration-set',
    );
    // Invoke permissions name this API's paths, one pattern per function (test/cdk/edge.test.ts).
    const api = idOf(stack.api.httpApi);
    // `/*`: the shopper function's routes are under /api/ and /r/ (the "complete your order" links);
    // `/api/openapi.json`: the one path of the API's description (apiDocs).
    for (const path of ['/*', '/api/*', '/api/admin/*', '/api/webhooks/*', '/api/openapi.json']) {
      names.set(
        `arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${${api}}/*/*${path}`,
        `api/*/*${path}`,
      );
    }
    const scheduling = stack.node.findChild('Scheduling') as Scheduling;
    for (const schedule of schedules) {
      names.set(`\${${idOf(scheduling.rules[schedule.name])}.Arn}`, `rule/${schedule.name}`);
    }
  });

  describe('least privilege', () => {
    /** Every statement any policy attaches to the role, as "action on resource" lines. */
    const grantsOf = (name: FunctionName): string[] => {
      const role = idOf(fn(name).role!);
      const roleResource = resources[role];
      expect(roleResource.Properties.Policies).toBeUndefined();
      expect(roleResource.Properties.ManagedPolicyArns).toBeUndefined();
      const statements = [...ofType('AWS::IAM::Policy'), ...ofType('AWS::IAM::ManagedPolicy')]
        .filter(([, policy]) => list(policy.Properties.Roles).some((ref: Json) => ref.Ref === role))
        .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Json[]);
      return statements.flatMap((statement) => {
        // NotAction / NotResource / Deny would grant by exclusion: reported as they are, so they fail.
        if (
          statement.Effect !== 'Allow' ||
          statement.NotAction ||
          statement.NotResource ||
          statement.Condition
        ) {
          return [`unexpected statement ${JSON.stringify(statement)}`];
        }
        return list<string>(statement.Action).flatMap((action) =>
          list<Json>(statement.Resource).map((resource) => `${action} on ${describe_(resource)}`),
        );
      });
    };

    /** The grants a function's spec entry implies, and nothing else. */
    const expectedGrants = (name: FunctionName, spec: FunctionDefinition): string[] => {
      const grants = (actions: string[], resources_: string[]) =>
        actions.flatMap((action) => resources_.map((resource) => `${action} on ${resource}`));
      const expected = [...grants(allowed.logs, [`log-group/${name}`]), ...grants(allowed.tracing, ['*'])];
      for (const [table, access] of Object.entries(spec.tables) as [TableName, string][]) {
        const indexes = (tableSpecs[table] as TableDefinition).indexes.map(
          (index) => `table/${table}/index/${index.name}`,
        );
        expected.push(...grants(allowed.tableRead, [`table/${table}`, ...indexes]));
        if (access === 'readWrite') expected.push(...grants(allowed.tableWrite, [`table/${table}`]));
      }
      for (const queue of spec.sendsTo) expected.push(...grants(allowed.queueSend, [`queue/${queue}`]));
      const consumed = queueConsumedBy(name);
      if (consumed) expected.push(...grants(allowed.queueConsume, [`queue/${consumed.name}`]));
      for (const queue of spec.queueDepths ?? [])
        expected.push(...grants(allowed.queueDepth, [`queue/${queue}`]));
      if (spec.sendsEmail) {
        expected.push(
          ...grants(allowed.email, [`ses/identity/${context.senderDomain}`, 'ses/configuration-set']),
        );
      }
      if ((spec.config as string[]).includes('INVENTORY_WEBHOOK_SECRET_ARN')) {
        expected.push(...grants(allowed.secretRead, ['secret/inventory-webhook']));
      }
      if ((spec.config as string[]).includes('ORIGIN_VERIFY_SECRET_ARN')) {
        expected.push(...grants(allowed.secretRead, ['secret/origin-verify']));
      }
      if ((spec.config as string[]).includes('CLAIM_SECRET_ARN')) {
        expected.push(...grants(allowed.secretRead, ['secret/claim-key']));
      }
      return sorted(expected);
    };

    it.each(functionList)('%s holds exactly the grants its spec implies', (name, spec) => {
      expect(sorted(grantsOf(name))).toEqual(expectedGrants(name, spec));
    });

    it.each(functionList)('%s has a role of its own', (name) => {
      const others = functionList.filter(([other]) => other !== name).map(([other]) => idOf(fn(other).role!));
      expect(others).not.toContain(idOf(fn(name).role!));
    });

    it.each(functionList)('%s gets no wildcard action and "*" only for X-Ray', (name) => {
      const grants = grantsOf(name);
      expect(grants.filter((grant) => /^\S*\*/.test(grant))).toEqual([]);
      expect(grants.filter((grant) => grant.endsWith(' on *') && !grant.startsWith('xray:'))).toEqual([]);
      expect(grants.filter((grant) => grant.includes('/index/*'))).toEqual([]);
    });

    it.each(functionList)('%s reads no queue but the one it consumes, and no dead-letter queue', (name) => {
      const consumed = queueConsumedBy(name);
      const reads = grantsOf(name)
        .filter((grant) => /^sqs:(ReceiveMessage|DeleteMessage|ChangeMessageVisibility) /.test(grant))
        .map((grant) => grant.replace(/^\S+ on /, ''));
      expect(sorted(reads)).toEqual(consumed ? [`queue/${consumed.name}`] : []);
      expect(grantsOf(name).filter((grant) => grant.includes('dead-letter-queue'))).toEqual([]);
    });

    it("only the sending queues are read for their depth: by their consumers, and nurture's by the scheduler", () => {
      const depthReads = functionList.flatMap(([name]) =>
        grantsOf(name)
          .filter((grant) => grant.startsWith('sqs:GetQueueAttributes '))
          .filter((grant) => grant !== `sqs:GetQueueAttributes on queue/${queueConsumedBy(name)?.name}`)
          .map((grant) => `${name}: ${grant.replace(/^\S+ on /, '')}`),
      );
      const sending = ['alert', 'email', 'nurture'];
      const consumers = ['alerter', 'nurturer', 'sender'];
      expect(sorted(depthReads)).toEqual(
        sorted([
          ...consumers.flatMap((reader) =>
            sending
              .filter((queue) => queueConsumedBy(reader as FunctionName)?.name !== queue)
              .map((queue) => `${reader}: queue/${queue}`),
          ),
          'scheduler: queue/nurture',
        ]),
      );
    });

    it('nurture email has its own queue and consumer: only the sweeper queues it, only the nurturer reads it', () => {
      const on = (queue: string) =>
        functionList
          .flatMap(([name]) => grantsOf(name).map((grant) => `${name}: ${grant}`))
          .filter(
            (grant) =>
              grant.endsWith(` on queue/${queue}`) && /: sqs:(SendMessage|ReceiveMessage) /.test(grant),
          )
          .sort();
      expect(on('nurture')).toEqual([
        'nurturer: sqs:ReceiveMessage on queue/nurture',
        'scheduler: sqs:SendMessage on queue/nurture',
      ]);
      expect(on('email').filter((grant) => grant.includes('ReceiveMessage'))).toEqual([
        'sender: sqs:ReceiveMessage on queue/email',
      ]);
      // What a nurture step needs and no more: no webhooks, suppliers or other queues.
      expect(grantsOf('nurturer').filter((grant) => /webhook|supplier|sqs:SendMessage/.test(grant))).toEqual(
        [],
      );
    });

    it.each(functionList)('%s may be invoked only by its own API routes and schedules', (name) => {
      const fnArn = { 'Fn::GetAtt': [idOf(fn(name)), 'Arn'] };
      const permissions = ofType('AWS::Lambda::Permission')
        .map(([, permission]) => permission.Properties)
        .filter((permission) => JSON.stringify(permission.FunctionName) === JSON.stringify(fnArn));
      // The admin authorizer is invoked by this API as its authorizer: `<api>/authorizers/<the one authorizer>`.
      const [[api]] = ofType('AWS::ApiGatewayV2::Api');
      const [[authorizer]] = ofType('AWS::ApiGatewayV2::Authorizer');
      const asAuthorizer = `:\${${api}}/authorizers/\${${authorizer}}`;
      const actual = permissions.map((permission) => {
        const source = permission.SourceArn ? describe_(permission.SourceArn) : 'anywhere';
        const from = source.endsWith(asAuthorizer) ? "this API's admin authorizer" : source;
        return `${permission.Action} by ${permission.Principal} from ${from}${viaUrl(permission)}`;
      });
      // One permission per API function, for a pattern covering its paths (exactly which: edge.test.ts).
      const paths = routes
        .filter((route) => route.function === name && !route.streamed)
        .map((route) => route.path);
      // A function with streamed routes is invoked through its URL, which CloudFront calls (exports.test.ts).
      const streams = routes.some((route) => route.function === name && route.streamed);
      const covering = actual.filter((permission) => {
        const pattern = /from api\/\*\/\*(\/\S*)$/.exec(permission)?.[1];
        return pattern !== undefined && paths.every((path) => globMatches(pattern, path));
      });
      const expected = [
        ...(paths.length ? [covering.length === 1 ? covering[0] : 'one permission covering its routes'] : []),
        ...(streams
          ? [
              'lambda:InvokeFunctionUrl by * from anywhere, through its URL (auth NONE)',
              'lambda:InvokeFunction by * from anywhere, through its URL',
            ]
          : []),
        ...schedules
          .filter((schedule) => schedule.function === name)
          .map((schedule) => `lambda:InvokeFunction by events.amazonaws.com from rule/${schedule.name}`),
        ...(name === 'authorizer'
          ? ["lambda:InvokeFunction by apigateway.amazonaws.com from this API's admin authorizer"]
          : []),
      ];
      expect(actual.sort()).toEqual(expected.sort());
    });

    it('only functions with streamed routes have a URL, and queue consumers are invoked only through their event source', () => {
      const urls = ofType('AWS::Lambda::Url').map(
        ([, url]) =>
          `${arnText(url.Properties.TargetFunctionArn)} ${url.Properties.InvokeMode} ${url.Properties.AuthType}`,
      );
      const streaming = new Set(routes.filter((route) => route.streamed).map((route) => route.function));
      expect(urls).toEqual([...streaming].map((name) => `\${${idOf(fn(name))}.Arn} RESPONSE_STREAM NONE`));
      const mappings = ofType('AWS::Lambda::EventSourceMapping').map(
        ([, mapping]) =>
          `${describe_(mapping.Properties.EventSourceArn)} → ${arnText(mapping.Properties.FunctionName)}`,
      );
      expect(mappings.sort()).toEqual(
        queueList.map(([name, spec]) => `queue/${name} → \${${idOf(fn(spec.consumer))}}`).sort(),
      );
    });

    it('queue policies allow nothing but SNS delivering bounces and complaints to the feedback queue', () => {
      const allows = ofType('AWS::SQS::QueuePolicy').flatMap(([, policy]) =>
        (policy.Properties.PolicyDocument.Statement as Json[])
          .filter((statement) => statement.Effect === 'Allow')
          .flatMap((statement) =>
            list<Json>(policy.Properties.Queues).map(
              (queue) =>
                `${list(statement.Action).join(',')} by ${JSON.stringify(statement.Principal)} on ${describe_({ 'Fn::GetAtt': [queue.Ref, 'Arn'] })} if ${JSON.stringify(statement.Condition)}`,
            ),
          ),
      );
      expect(allows).toEqual([
        `sqs:SendMessage by {"Service":"sns.amazonaws.com"} on queue/feedback if ${JSON.stringify({
          ArnEquals: { 'aws:SourceArn': { Ref: idOf(platform.stack.feedback.topic) } },
        })}`,
      ]);
    });
  });

  describe('encryption at rest', () => {
    it.each(tableList)('the %s table is encrypted with KMS and has point-in-time recovery', (name) => {
      expect(resources[idOf(platform.stack.storage.tables[name])].Properties).toMatchObject({
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    });

    it('every table in the template is one of the spec, encrypted and recoverable', () => {
      const tables = ofType('AWS::DynamoDB::Table');
      expect(tables).toHaveLength(tableList.length);
      for (const [, table] of tables) {
        expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true });
        expect(table.Properties.PointInTimeRecoverySpecification).toEqual({
          PointInTimeRecoveryEnabled: true,
        });
      }
    });

    it('every queue, dead-letter queues included, is encrypted and refuses plain HTTP', () => {
      const queues = ofType('AWS::SQS::Queue');
      expect(queues).toHaveLength(2 * queueList.length);
      for (const [id, queue] of queues) {
        expect({
          id,
          encrypted: queue.Properties.SqsManagedSseEnabled === true || !!queue.Properties.KmsMasterKeyId,
        }).toEqual({
          id,
          encrypted: true,
        });
        const policies = ofType('AWS::SQS::QueuePolicy').filter(([, policy]) =>
          list<Json>(policy.Properties.Queues).some((ref) => ref.Ref === id),
        );
        const denies = policies.flatMap(([, policy]) =>
          (policy.Properties.PolicyDocument.Statement as Json[]).filter(
            (statement) =>
              statement.Effect === 'Deny' && statement.Condition?.Bool?.['aws:SecureTransport'] === 'false',
          ),
        );
        expect({ id, deniesPlainHttp: denies.length > 0 }).toEqual({ id, deniesPlainHttp: true });
      }
    });

    it('every topic is encrypted with a rotating key of this stack', () => {
      const topics = ofType('AWS::SNS::Topic');
      expect(topics.length).toBeGreaterThan(0);
      for (const [, topic] of topics) {
        const [key] = topic.Properties.KmsMasterKeyId['Fn::GetAtt'];
        expect(resources[key]).toMatchObject({
          Type: 'AWS::KMS::Key',
          Properties: { EnableKeyRotation: true },
        });
      }
    });

    it('every KMS key rotates', () => {
      for (const [, key] of ofType('AWS::KMS::Key')) expect(key.Properties.EnableKeyRotation).toBe(true);
    });

    it('every bucket is encrypted, blocks all public access and refuses plain HTTP', () => {
      const buckets = ofType('AWS::S3::Bucket');
      expect(buckets.length).toBeGreaterThan(0);
      for (const [id, bucket] of buckets) {
        expect(bucket.Properties).toMatchObject({
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              {
                ServerSideEncryptionByDefault: { SSEAlgorithm: expect.stringMatching(/^(AES256|aws:kms)$/) },
              },
            ],
          },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
        });
        const policy = ofType('AWS::S3::BucketPolicy').find(([, p]) => p.Properties.Bucket.Ref === id);
        expect(policy?.[1].Properties.PolicyDocument.Statement).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        );
      }
    });

    it('the inventory webhook secret is generated by Secrets Manager, never written in the template', () => {
      for (const [, secret] of ofType('AWS::SecretsManager::Secret')) {
        expect(secret.Properties.SecretString).toBeUndefined();
        expect(secret.Properties.GenerateSecretString).toBeDefined();
      }
    });

    it('every log group (CloudWatch Logs encrypts them at rest) expires its events', () => {
      for (const [id, logGroup] of ofType('AWS::Logs::LogGroup')) {
        expect({ id, retention: logGroup.Properties.RetentionInDays }).toEqual({
          id,
          retention: expect.any(Number),
        });
      }
    });
  });

  describe('dead-letter queues and alarms', () => {
    const queueResource = (name: QueueName) => resources[idOf(platform.stack.queues.queues[name])];
    const deadLetterId = (name: QueueName) => idOf(platform.stack.queues.deadLetterQueues[name]);
    const alertsTopic = () => {
      const topics = ofType('AWS::SNS::Topic').filter(([id]) => id.startsWith('Alerts'));
      expect(topics).toHaveLength(1);
      return { Ref: topics[0][0] };
    };

    it('every queue in the template is a spec queue or the dead-letter queue of exactly one', () => {
      const targets = queueList.map(
        ([name]) => queueResource(name).Properties.RedrivePolicy?.deadLetterTargetArn,
      );
      const deadLetterIds = targets.map((target) => target?.['Fn::GetAtt']?.[0]);
      expect(new Set(deadLetterIds).size).toBe(queueList.length);
      expect(
        ofType('AWS::SQS::Queue')
          .map(([id]) => id)
          .sort(),
      ).toEqual(
        [...queueList.map(([name]) => idOf(platform.stack.queues.queues[name])), ...deadLetterIds].sort(),
      );
    });

    it.each(queueList)(
      'the %s queue redrives to its own dead-letter queue after a sensible number of tries',
      (name, spec) => {
        const { RedrivePolicy, VisibilityTimeout, MessageRetentionPeriod } = queueResource(name).Properties;
        expect(RedrivePolicy).toEqual({
          deadLetterTargetArn: { 'Fn::GetAtt': [deadLetterId(name), 'Arn'] },
          maxReceiveCount: spec.maxReceiveCount,
        });
        expect(spec.maxReceiveCount).toBeGreaterThanOrEqual(3);
        expect(spec.maxReceiveCount).toBeLessThanOrEqual(10);
        // Every try must fit in the queue's retention, or a failing message would expire instead of landing in the DLQ.
        const retention = MessageRetentionPeriod ?? defaultQueueRetentionSeconds;
        expect(spec.maxReceiveCount * VisibilityTimeout).toBeLessThan(retention);
      },
    );

    it.each(queueList)(
      'the %s dead-letter queue keeps messages longer than its queue, and redrives nowhere',
      (name) => {
        const deadLetters = resources[deadLetterId(name)].Properties;
        const queueRetention =
          queueResource(name).Properties.MessageRetentionPeriod ?? defaultQueueRetentionSeconds;
        // A message keeps its original enqueue time in the DLQ: a shorter retention there would drop it early.
        expect(deadLetters.MessageRetentionPeriod).toBeGreaterThan(queueRetention);
        expect(deadLetters.RedrivePolicy).toBeUndefined();
      },
    );

    it.each(queueList)('one message in the %s dead-letter queue alarms the alerts topic', (name) => {
      const alarms = ofType('AWS::CloudWatch::Alarm')
        .map(([, alarm]) => alarm.Properties)
        .filter((alarm) =>
          (alarm.Dimensions ?? []).some((d: Json) =>
            JSON.stringify(d.Value).includes(`"${deadLetterId(name)}"`),
          ),
        );
      expect(alarms).toHaveLength(1);
      expect(alarms[0]).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [deadLetterId(name), 'QueueName'] } }],
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        EvaluationPeriods: 1,
        AlarmActions: [alertsTopic()],
        OKActions: [alertsTopic()],
      });
    });

    it('the alerts topic mails the on-call address of the context', () => {
      expect(ofType('AWS::SNS::Subscription').map(([, s]) => s.Properties)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Protocol: 'email',
            Endpoint: context.alarmEmail,
            TopicArn: alertsTopic(),
          }),
        ]),
      );
    });
  });

  describe('API', () => {
    const routeResources = () =>
      ofType('AWS::ApiGatewayV2::Route').map(([id, route]) => ({ id, ...route.Properties }));
    const pathOf = (key: string) => key.split(' ')[1];
    const isAdminPath = (path: string) => path === '/api/admin' || path.startsWith('/api/admin/');
    const integrationFunction = (route: Json): string => {
      const integration = route.Target['Fn::Join'][1][1].Ref;
      return resources[integration].Properties.IntegrationUri['Fn::GetAtt'][0];
    };

    it('the spec puts every /api/admin route, and no other, behind the admin authorizer and function', () => {
      for (const route of routes) {
        // Streamed admin routes are the exporter's, through its URL (exports.test.ts).
        const served = route.function === (route.streamed ? 'exporter' : 'adminApi');
        expect({ key: routeKey(route), auth: route.auth, fn: served }).toEqual({
          key: routeKey(route),
          auth: isAdminPath(route.path) ? 'admin' : 'public',
          fn: isAdminPath(route.path),
        });
      }
    });

    it('has exactly the routes of the spec: no $default, ANY or greedy {proxy+} route', () => {
      const keys = routeResources().map((route) => route.RouteKey);
      expect(keys.sort()).toEqual(
        routes
          .filter((route) => !route.streamed)
          .map(routeKey)
          .sort(),
      );
      expect(
        keys.filter((key) => key.startsWith('$') || key.startsWith('ANY ') || key.includes('+}')),
      ).toEqual([]);
      const [[, api]] = ofType('AWS::ApiGatewayV2::Api');
      // Quick create (Target / RouteKey on the API) would add a catch-all route outside the spec.
      expect(api.Properties.Target).toBeUndefined();
      expect(api.Properties.RouteKey).toBeUndefined();
      expect(ofType('AWS::ApiGatewayV2::Api')).toHaveLength(1);
    });

    it('the one authorizer is the authorizer function: REQUEST, simple answers, a short cache per Authorization header', () => {
      const authorizers = ofType('AWS::ApiGatewayV2::Authorizer');
      expect(authorizers).toHaveLength(1);
      expect(authorizers[0][1].Properties).toMatchObject({
        AuthorizerType: 'REQUEST',
        AuthorizerPayloadFormatVersion: '2.0',
        EnableSimpleResponses: true,
        IdentitySource: ['$request.header.Authorization'],
        AuthorizerResultTtlInSeconds: AUTHORIZER_CACHE_SECONDS,
      });
      expect(JSON.stringify(authorizers[0][1].Properties.AuthorizerUri)).toContain(idOf(fn('authorizer')));
    });

    it('the authorizer checks ID tokens of the console user pool and client, and is never given local tokens', () => {
      const [userPool] = ofType('AWS::Cognito::UserPool');
      const [client] = ofType('AWS::Cognito::UserPoolClient');
      const variables = resources[idOf(fn('authorizer'))].Properties.Environment.Variables;
      expect(variables.CONSOLE_USER_POOL_ID).toEqual({ Ref: userPool[0] });
      expect(variables.CONSOLE_CLIENT_ID).toEqual({ Ref: client[0] });
      for (const [, resource] of ofType('AWS::Lambda::Function'))
        expect(['', undefined]).toContain(resource.Properties.Environment?.Variables?.LOCAL_CONSOLE_TOKENS);
    });

    it('one Cognito group per console role', () => {
      const groups = ofType('AWS::Cognito::UserPoolGroup').map(([, group]) => group.Properties.GroupName);
      expect(groups.sort()).toEqual([...consoleRoles].sort());
    });

    it('every /api/admin route passes the authorizer, and no other route uses it', () => {
      const [[authorizer]] = ofType('AWS::ApiGatewayV2::Authorizer');
      for (const route of routeResources()) {
        const guard = { AuthorizationType: route.AuthorizationType, AuthorizerId: route.AuthorizerId };
        expect({ key: route.RouteKey, ...guard }).toEqual(
          isAdminPath(pathOf(route.RouteKey))
            ? { key: route.RouteKey, AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizer } }
            : { key: route.RouteKey, AuthorizationType: 'NONE', AuthorizerId: undefined },
        );
      }
    });

    it('every route that reaches the admin function passes the authorizer', () => {
      const admin = idOf(fn('adminApi'));
      const reaching = routeResources().filter((route) => integrationFunction(route) === admin);
      expect(reaching.length).toBe(routes.filter((route) => route.function === 'adminApi').length);
      for (const route of reaching)
        expect([route.RouteKey, route.AuthorizationType]).toEqual([route.RouteKey, 'CUSTOM']);
    });

    it("the admin function's invoke permissions name only paths whose every route passes the authorizer", () => {
      const adminArn = JSON.stringify({ 'Fn::GetAtt': [idOf(fn('adminApi')), 'Arn'] });
      const sources = ofType('AWS::Lambda::Permission')
        .map(([, permission]) => permission.Properties)
        .filter((permission) => JSON.stringify(permission.FunctionName) === adminArn)
        .map((permission) => describe_(permission.SourceArn));
      expect(sources.length).toBeGreaterThan(0);
      for (const source of sources) {
        // "api/*/*<path pattern>": any stage and method of this API at the paths the pattern matches.
        const pattern = /^api\/\*\/\*(\/\S+)$/.exec(source)?.[1];
        expect({ source, adminPath: pattern !== undefined && isAdminPath(pattern) }).toEqual({
          source,
          adminPath: true,
        });
        const atPath = routeResources().filter((route) => globMatches(pattern!, pathOf(route.RouteKey)));
        expect(atPath.length).toBeGreaterThan(0);
        for (const route of atPath)
          expect([route.RouteKey, route.AuthorizationType]).toEqual([route.RouteKey, 'CUSTOM']);
      }
    });

    it('the one stage throttles every route at the configured rate and burst, and no route is exempt', () => {
      const stages = ofType('AWS::ApiGatewayV2::Stage');
      expect(stages).toHaveLength(1);
      const stage = stages[0][1].Properties;
      expect(stage).toMatchObject({
        StageName: '$default',
        DefaultRouteSettings: {
          ThrottlingRateLimit: Number(context.apiRateLimit),
          ThrottlingBurstLimit: Number(context.apiBurstLimit),
        },
      });
      // A per-route setting may only tighten the default.
      for (const [key, settings] of Object.entries<Json>(stage.RouteSettings ?? {})) {
        expect({ key, rate: settings.ThrottlingRateLimit <= Number(context.apiRateLimit) }).toEqual({
          key,
          rate: true,
        });
        expect({ key, burst: settings.ThrottlingBurstLimit <= Number(context.apiBurstLimit) }).toEqual({
          key,
          burst: true,
        });
      }
    });
  });
});
