/**
 * The streamed CSV exports on AWS: the exporter answers through its own function URL (RESPONSE_STREAM; API
 * Gateway would buffer and cap the answer at 6 MB), CloudFront sends exactly the streamed paths there, ahead
 * of `/api/*`, as it sends `/api/*` to the API (no caching, every viewer header but Host, the query string,
 * the origin secret), API Gateway has no route for them, and the exporter may only read what it exports.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { routeKey, routes, tableEnv, type TableName } from '../../lib/platform';
import { Web } from '../../lib/web';
import { bareStack, logicalId, repoPath, synthesizePlatform, type SynthesizedPlatform } from './stacks';

type Json = any;

/** CloudFront's managed policies, by their fixed ids. */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';
const SECURITY_HEADERS = '67f7725c-6f97-4210-82d7-5512b31e9d03';

const streamed = routes.filter((route) => route.streamed);

describe('streamed exports', () => {
  let platform: SynthesizedPlatform;
  let resources: Record<string, Json>;
  let exporterId: string;
  const ofType = (type: string): [string, Json][] =>
    Object.entries(resources).filter(([, resource]) => resource.Type === type);

  beforeAll(() => {
    platform = synthesizePlatform();
    resources = platform.template.toJSON().Resources;
    exporterId = logicalId(platform.stack.functions.functions.exporter);
  });

  it('the spec streams the two exports, from the exporter, as admin routes', () => {
    expect(streamed.map(routeKey).sort()).toEqual([
      'GET /api/admin/backorders.csv',
      'GET /api/admin/products.csv',
    ]);
    for (const route of streamed) expect(route).toMatchObject({ function: 'exporter', auth: 'admin' });
  });

  it('the exporter has a function URL whose answers stream; public like the API endpoint (the origin secret guards it)', () => {
    const urls = ofType('AWS::Lambda::Url');
    expect(urls).toHaveLength(1);
    expect(urls[0][1].Properties).toMatchObject({
      AuthType: 'NONE',
      InvokeMode: 'RESPONSE_STREAM',
      TargetFunctionArn: { 'Fn::GetAtt': [exporterId, 'Arn'] },
    });
    const variables = resources[exporterId].Properties.Environment.Variables;
    expect(variables.ORIGIN_VERIFY_SECRET_ARN).toBeDefined();
    // It identifies callers as the authorizer does: Cognito's ID tokens, never the local runner's tokens.
    const [[userPool]] = ofType('AWS::Cognito::UserPool');
    expect(variables.CONSOLE_USER_POOL_ID).toEqual({ Ref: userPool });
    expect(variables.LOCAL_CONSOLE_TOKENS ?? '').toBe('');
  });

  it('CloudFront sends each streamed path, before /api/*, to that URL: uncached, viewer headers and query string, origin secret', () => {
    const [[, distribution]] = ofType('AWS::CloudFront::Distribution');
    const config = distribution.Properties.DistributionConfig;
    const behaviors: Json[] = config.CacheBehaviors;
    const patterns = behaviors.map((behavior) => behavior.PathPattern);
    const [url] = ofType('AWS::Lambda::Url');
    const urlHost = { 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': [url[0], 'FunctionUrl'] }] }] };
    const urlOrigins = config.Origins.filter(
      (origin: Json) => JSON.stringify(origin.DomainName) === JSON.stringify(urlHost),
    );
    expect(urlOrigins).toHaveLength(1);
    const [origin] = urlOrigins;
    expect(origin.CustomOriginConfig).toMatchObject({
      OriginProtocolPolicy: 'https-only',
      OriginReadTimeout: 60,
    });
    const [secretHeader] = origin.OriginCustomHeaders;
    expect(secretHeader.HeaderName).toBe('x-origin-verify');
    expect(JSON.stringify(secretHeader.HeaderValue)).toContain('resolve:secretsmanager');

    for (const route of streamed) {
      const index = patterns.indexOf(route.path);
      expect(index).toBeGreaterThanOrEqual(0);
      expect(index).toBeLessThan(patterns.indexOf('/api/*'));
      expect(behaviors[index]).toMatchObject({
        TargetOriginId: origin.Id,
        CachePolicyId: CACHING_DISABLED,
        OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
        ResponseHeadersPolicyId: SECURITY_HEADERS,
        ViewerProtocolPolicy: 'https-only',
        AllowedMethods: ['GET', 'HEAD'],
      });
    }
    // Nothing else reaches the function URL.
    expect(behaviors.filter((behavior) => behavior.TargetOriginId === origin.Id)).toHaveLength(
      streamed.length,
    );
  });

  it('API Gateway has no route for a streamed path and cannot invoke the exporter', () => {
    const keys = ofType('AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties.RouteKey);
    for (const route of streamed) expect(keys).not.toContain(routeKey(route));
    const exporterPermissions = ofType('AWS::Lambda::Permission')
      .map(([, permission]) => permission.Properties)
      .filter((permission) => JSON.stringify(permission.FunctionName).includes(exporterId));
    expect(
      exporterPermissions.map((permission) => ({
        action: permission.Action,
        principal: permission.Principal,
        urlAuth: permission.FunctionUrlAuthType,
        viaUrl: permission.InvokedViaFunctionUrl,
      })),
    ).toEqual(
      expect.arrayContaining([
        { action: 'lambda:InvokeFunctionUrl', principal: '*', urlAuth: 'NONE', viaUrl: undefined },
        { action: 'lambda:InvokeFunction', principal: '*', urlAuth: undefined, viaUrl: true },
      ]),
    );
    expect(exporterPermissions).toHaveLength(2);
  });

  it("the exporter reads products, backorders, counters and places; it writes nothing but a key's last use", () => {
    const policies = ofType('AWS::IAM::Policy').filter(([, policy]) =>
      policy.Properties.Roles.some((role: Json) => JSON.stringify(role).includes('FunctionsExporterRole')),
    );
    const statements: Json[] = policies.flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement);
    const text = (value: Json) => JSON.stringify(value);
    const tableId = (name: TableName) => logicalId(platform.stack.storage.tables[name]);
    const writes = statements.filter((statement) =>
      [statement.Action]
        .flat()
        .some((action: string) => /dynamodb:(Put|Update|Delete|BatchWrite)/.test(action)),
    );
    expect(writes).toHaveLength(1);
    expect(text(writes[0].Resource)).toContain(tableId('apiKeys'));
    for (const name of ['products', 'backorders', 'ledger', 'queues'] as TableName[]) {
      const reads = statements.filter(
        (statement) =>
          text(statement.Resource).includes(tableId(name)) &&
          [statement.Action].flat().includes('dynamodb:Query'),
      );
      expect(reads).toHaveLength(1);
    }
    const actions = statements.flatMap((statement) => [statement.Action].flat() as string[]);
    expect(actions.filter((action) => /^(sqs|ses|s3):/.test(action))).toEqual([]);
    const variables = Object.keys(resources[exporterId].Properties.Environment.Variables);
    expect(variables.filter((name) => name.startsWith('TABLE_')).sort()).toEqual(
      (['products', 'backorders', 'ledger', 'queues', 'apiKeys'] as TableName[]).map(tableEnv).sort(),
    );
  });

  it('streamed paths without the URL they go to fail the synth, naming the function', () => {
    const stack = bareStack();
    new Web(stack, 'Web', {
      apiDomainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      siteDirectory: repoPath('web'),
      consoleConfig: { region: 'eu-west-1' },
      streamedPaths: { exporter: ['/api/admin/products.csv'] },
    });
    expect(() => Template.fromStack(stack)).toThrow(/No function URL for the streamed routes of exporter/);
  });
});
