/**
 * The AWS edge, as synthesized:
 *
 * - only CloudFront reaches the API: its `/api/*` origin sends the origin secret header, its value a
 *   CloudFormation dynamic reference to the generated secret (never the value), and every API function, and
 *   only those, is configured with that secret's ARN and may read it;
 * - each API function has exactly one invoke permission, from this API (its id, never a wildcard) and its own
 *   paths, which keeps the admin function's resource policy far from Lambda's 20 KB;
 * - every route has a throttling class, rendered as its own stage route setting under the stage default;
 * - the sending functions may send from each verified identity and nothing else, the console learns the same
 *   list, and "*" (the local runner's "any identity") can never be deployed.
 */
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AdminUsers, adminAuthorizer } from '../../lib/admin-users';
import { Api, pathScope } from '../../lib/api';
import { checkedSenderIdentities } from '../../lib/email';
import {
  functions as functionSpecs,
  ORIGIN_VERIFY_HEADER,
  routeKey,
  routeThrottles,
  routes,
  throttleClasses,
  type FunctionDefinition,
  type FunctionName,
  type RouteDefinition,
} from '../../lib/platform';
import { bareStack, logicalId, synthesizePlatform, type SynthesizedPlatform } from './stacks';

type Json = any;

const context = {
  defaultSender: 'Corner Shop <hello@shop.example>',
  senderDomain: 'shop.example',
  senderIdentities: 'shop.example, News@Letters.example',
  apiRateLimit: '60',
  apiBurstLimit: '120',
};

const specs = Object.values(functionSpecs) as FunctionDefinition[];
const apiFunctions = [...new Set(routes.map((route) => route.function))].sort();
/** The routes API Gateway serves: the streamed ones go from CloudFront to their function's URL (lib/web.ts). */
const gatewayRoutes = routes.filter((route) => !route.streamed);
const otherFunctions = specs
  .map((spec) => spec.name as FunctionName)
  .filter((f) => !apiFunctions.includes(f));

/** `arn:${Partition}:execute-api:${Region}:${Account}:${api}/<rest>` as CDK renders it. */
const executeApiArn = (apiId: string, rest: string) => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':execute-api:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      ':',
      { Ref: apiId },
      rest,
    ],
  ],
});

describe('the AWS edge', () => {
  let platform: SynthesizedPlatform;
  let template: Template;
  let resources: Record<string, Json>;
  const fnId = (name: FunctionName) => logicalId(platform.stack.functions.functions[name]);
  const environment = (name: FunctionName): Record<string, Json> =>
    resources[fnId(name)].Properties.Environment.Variables;
  const roleStatements = (name: FunctionName): Json[] => {
    const role = logicalId(platform.stack.functions.functions[name].role!);
    return Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy) => policy.Properties.Roles.some((ref: Json) => ref.Ref === role))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
  };

  beforeAll(() => {
    platform = synthesizePlatform({ ...context });
    template = platform.template;
    resources = template.toJSON().Resources;
  });

  describe('only CloudFront reaches the API', () => {
    const secretId = () => logicalId(platform.stack.originSecret.secret);

    it("CloudFront's API origin sends the origin secret header, by dynamic reference to the secret", () => {
      const config = resources[logicalId(platform.stack.web.distribution)].Properties.DistributionConfig;
      const apiOrigin = (config.Origins as Json[]).find((origin) =>
        JSON.stringify(origin.DomainName).includes(logicalId(platform.stack.api.httpApi)),
      );
      expect(apiOrigin).toMatchObject({
        CustomOriginConfig: { OriginProtocolPolicy: 'https-only' },
        OriginCustomHeaders: [
          {
            HeaderName: ORIGIN_VERIFY_HEADER,
            HeaderValue: {
              'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId() }, ':SecretString:::}}']],
            },
          },
        ],
      });
      // The behaviour every /api/* request takes goes to that origin.
      expect(config.CacheBehaviors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ PathPattern: '/api/*', TargetOriginId: apiOrigin.Id }),
        ]),
      );
      // The page bucket's origin is not given the secret (the streamed routes' origin is: exports.test.ts).
      const streamedOrigins = (config.CacheBehaviors as Json[])
        .filter((behaviour) => routes.some((route) => route.streamed && route.path === behaviour.PathPattern))
        .map((behaviour) => behaviour.TargetOriginId);
      const others = (config.Origins as Json[]).filter(
        (origin) => origin !== apiOrigin && !streamedOrigins.includes(origin.Id),
      );
      expect(others.map((origin) => origin.OriginCustomHeaders)).toEqual(others.map(() => undefined));
    });

    it("/api/* is never cached and reaches the API with the viewer's Origin, so CORS answers are per origin", () => {
      const config = resources[logicalId(platform.stack.web.distribution)].Properties.DistributionConfig;
      const api = (config.CacheBehaviors as Json[]).find((behaviour) => behaviour.PathPattern === '/api/*');
      expect(api).toMatchObject({
        CachePolicyId: cloudfront.CachePolicy.CACHING_DISABLED.cachePolicyId,
        // Every viewer header but Host, Origin among them: the public function decides CORS from it.
        OriginRequestPolicyId:
          cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
        // OPTIONS included: browsers' preflights reach the function.
        AllowedMethods: expect.arrayContaining(['OPTIONS', 'GET', 'POST']),
      });
    });

    it('the secret is generated by Secrets Manager, so its value appears nowhere in the template', () => {
      template.hasResource('AWS::SecretsManager::Secret', {
        Properties: {
          GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true },
          SecretString: Match.absent(),
        },
      });
      expect(resources[secretId()].Properties.SecretString).toBeUndefined();
      // Anywhere the secret is used, it is as a reference to this secret, never a literal.
      const text = JSON.stringify(template.toJSON());
      // Two origins send it: the API's and the streamed routes' function URL.
      expect(text.match(/\{\{resolve:secretsmanager:/g)).toHaveLength(2);
    });

    it.each(apiFunctions)('%s knows the secret by its ARN and may read it', (name) => {
      expect(environment(name).ORIGIN_VERIFY_SECRET_ARN).toEqual({ Ref: secretId() });
      // The statement may also name the inventory webhook's secret (IAM policies are minimized).
      const reads = roleStatements(name).filter((statement) =>
        [statement.Resource].flat().some((resource) => resource?.Ref === secretId()),
      );
      expect(reads).toEqual([
        {
          Effect: 'Allow',
          Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
          Resource: expect.anything(),
        },
      ]);
    });

    it.each(otherFunctions)('%s, which serves no route, neither knows nor reads the secret', (name) => {
      expect(environment(name).ORIGIN_VERIFY_SECRET_ARN).toBeUndefined();
      expect(JSON.stringify(roleStatements(name))).not.toContain(secretId());
    });

    it("no function's environment holds the secret's value or a reference that would resolve to it", () => {
      for (const spec of specs) {
        expect(JSON.stringify(environment(spec.name as FunctionName))).not.toMatch(/resolve:secretsmanager/);
      }
    });
  });

  describe('invoke permissions', () => {
    const apiPermissions = () =>
      Object.values(template.findResources('AWS::Lambda::Permission'))
        .map((permission) => permission.Properties)
        .filter((permission) => permission.Principal === 'apigateway.amazonaws.com');

    it.each([
      // Its routes are under /api/ and /r/ ("complete your order"): every path of this one API.
      ['publicApi', '/*/*/*'],
      ['apiDocs', '/*/*/api/openapi.json'],
      ['adminApi', '/*/*/api/admin/*'],
      ['inventoryApi', '/*/*/api/webhooks/*'],
    ] as const)('%s has exactly one, from this API at %s', (name, source) => {
      const permissions = apiPermissions().filter(
        (permission) =>
          JSON.stringify(permission.FunctionName) === JSON.stringify({ 'Fn::GetAtt': [fnId(name), 'Arn'] }),
      );
      expect(permissions).toEqual([
        {
          Action: 'lambda:InvokeFunction',
          FunctionName: { 'Fn::GetAtt': [fnId(name), 'Arn'] },
          Principal: 'apigateway.amazonaws.com',
          SourceArn: executeApiArn(logicalId(platform.stack.api.httpApi), source),
        },
      ]);
    });

    it('API Gateway may invoke nothing else, and every grant names this API, never any API', () => {
      const permissions = apiPermissions();
      expect(permissions).toHaveLength(apiFunctions.length);
      for (const permission of permissions) {
        const parts = permission.SourceArn['Fn::Join'][1];
        expect(parts[7]).toEqual({ Ref: logicalId(platform.stack.api.httpApi) });
      }
    });

    it('the path pattern is the narrowest one pattern covering the paths', () => {
      expect(pathScope(['/api/webhooks/inventory'])).toBe('/api/webhooks/inventory');
      expect(pathScope(['/api/admin/settings', '/api/admin/products/{sku}'])).toBe('/api/admin/*');
      expect(pathScope(['/api/health', '/api/backorders/{id}'])).toBe('/api/*');
      // A parameter segment is not a literal prefix, and a route at the prefix itself stays covered.
      expect(pathScope(['/api/backorders/{id}', '/api/backorders/{id}/cancel'])).toBe('/api/backorders/*');
      expect(pathScope(['/api/backorders', '/api/backorders/{id}'])).toBe('/api/backorders*');
    });
  });

  describe('route throttling', () => {
    const ceiling = { rate: Number(context.apiRateLimit), burst: Number(context.apiBurstLimit) };
    const stage = (): Json => Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0];

    it('every route of the spec has a throttling class, and every class entry names a route', () => {
      const missing = gatewayRoutes.map(routeKey).filter((key) => !(key in routeThrottles));
      expect(missing).toEqual([]);
      const stale = Object.keys(routeThrottles).filter(
        (key) => !gatewayRoutes.some((route) => routeKey(route) === key),
      );
      expect(stale).toEqual([]);
    });

    it('every class is a share of the stage default: tighter or equal, never above it', () => {
      for (const [name, definition] of Object.entries(throttleClasses)) {
        expect({ name, share: definition.share > 0 && definition.share <= 1 }).toEqual({ name, share: true });
      }
      // Signups and the ERP each get less than the shopper pages; the console less still.
      expect(throttleClasses.signup.share).toBeLessThan(throttleClasses.shopper.share);
      expect(throttleClasses.console.share).toBeLessThan(throttleClasses.signup.share);
    });

    it('the stage renders one route setting per route, its class share of the default, which stays the ceiling', () => {
      const { DefaultRouteSettings, RouteSettings } = stage().Properties;
      expect(DefaultRouteSettings).toEqual({
        ThrottlingRateLimit: ceiling.rate,
        ThrottlingBurstLimit: ceiling.burst,
      });
      expect(Object.keys(RouteSettings).sort()).toEqual(gatewayRoutes.map(routeKey).sort());
      for (const route of gatewayRoutes) {
        const { share } = throttleClasses[routeThrottles[routeKey(route)]];
        expect({ key: routeKey(route), ...RouteSettings[routeKey(route)] }).toEqual({
          key: routeKey(route),
          ThrottlingRateLimit: Math.floor(ceiling.rate * share),
          ThrottlingBurstLimit: Math.floor(ceiling.burst * share),
        });
      }
      // With the context's 60/120: a flood of signups has 24 requests a second, the console its own 12.
      expect(RouteSettings['POST /api/backorders']).toEqual({
        ThrottlingRateLimit: 24,
        ThrottlingBurstLimit: 48,
      });
      expect(RouteSettings['PUT /api/admin/settings']).toEqual({
        ThrottlingRateLimit: 12,
        ThrottlingBurstLimit: 24,
      });
      expect(RouteSettings['POST /api/webhooks/inventory']).toEqual({
        ThrottlingRateLimit: 24,
        ThrottlingBurstLimit: 48,
      });
    });

    it('the stage is created after every route its settings name (CloudFormation refuses unknown route keys)', () => {
      const routeIds = Object.keys(template.findResources('AWS::ApiGatewayV2::Route'));
      expect(routeIds).toHaveLength(gatewayRoutes.length);
      expect(stage().DependsOn).toEqual(expect.arrayContaining(routeIds));
    });

    it('a route without a class fails the synth instead of going unthrottled', () => {
      const stack: Stack = bareStack();
      new AdminUsers(stack, 'AdminUsers');
      const api = new Api(stack, 'Api', {
        throttle: { rateLimit: 50, burstLimit: 100 },
      });
      const stub = new lambda.Function(stack, 'Stub', {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
      });
      const unclassed: RouteDefinition = {
        method: 'GET',
        path: '/api/unclassed',
        function: 'publicApi',
        auth: 'public',
      };
      const stubs = Object.fromEntries(
        specs.map((spec): [string, lambda.IFunction] => [spec.name, stub]),
      ) as Record<FunctionName, lambda.IFunction>;
      expect(() => api.addRoutes([unclassed], stubs, adminAuthorizer(stub))).toThrow(
        /GET \/api\/unclassed has no throttling class/,
      );
    });
  });

  describe('sender identities', () => {
    const sesArn = (resource: string, name: string) => ({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':ses:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          `:${resource}/${name}`,
        ],
      ],
    });
    const sendingFunctions = specs.filter((spec) => spec.sendsEmail).map((spec) => spec.name as FunctionName);

    it.each(sendingFunctions)(
      '%s may send from each verified identity and through the configuration set only',
      (name) => {
        const sends = roleStatements(name).filter((statement) =>
          [statement.Action].flat().includes('ses:SendRawEmail'),
        );
        expect(sends).toHaveLength(1);
        expect(sends[0]).toMatchObject({ Effect: 'Allow', Action: 'ses:SendRawEmail' });
        expect(sends[0].Resource).toHaveLength(3);
        expect(sends[0].Resource).toEqual(
          expect.arrayContaining([
            sesArn('identity', 'shop.example'),
            sesArn('identity', 'news@letters.example'),
            {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':ses:',
                  { Ref: 'AWS::Region' },
                  ':',
                  { Ref: 'AWS::AccountId' },
                  ':configuration-set/',
                  { Ref: logicalId(platform.stack.email.configurationSet) },
                ],
              ],
            },
          ]),
        );
      },
    );

    it('no function may send email from "*" or any identity but the listed ones', () => {
      for (const spec of specs) {
        const resources_ = roleStatements(spec.name as FunctionName)
          .filter((statement) => JSON.stringify(statement.Action).includes('ses:'))
          .flatMap((statement) => [statement.Resource].flat());
        expect(resources_).not.toContain('*');
        if (!spec.sendsEmail)
          expect({ name: spec.name, ses: resources_ }).toEqual({ name: spec.name, ses: [] });
      }
    });

    it('the console learns the same identities, and the default sender it shows', () => {
      expect(environment('adminApi')).toMatchObject({
        SENDER_IDENTITIES: 'shop.example,news@letters.example',
        DEFAULT_SENDER: context.defaultSender,
      });
    });

    it('without the context, the identity is the sender domain, else the default sender’s domain', () => {
      expect(checkedSenderIdentities(['shop.example'], 'Shop <hi@shop.example>')).toEqual(['shop.example']);
      const defaults = synthesizePlatform({ defaultSender: 'Shop <hi@corner.example>' });
      const variables =
        defaults.template.toJSON().Resources[logicalId(defaults.stack.functions.functions.adminApi)]
          .Properties.Environment.Variables;
      expect(variables.SENDER_IDENTITIES).toBe('corner.example');
    });

    it.each([
      ['*', /domains or addresses/],
      ['shop.example,*.shop.example', /domains or addresses/],
      ['other.example', /default sender hello@shop\.example is not among/],
    ])('a deployment with senderIdentities "%s" fails the synth', (identities, error) => {
      expect(() => synthesizePlatform({ ...context, senderIdentities: identities })).toThrow(error);
    });
  });
});
