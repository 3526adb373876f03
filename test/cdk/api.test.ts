/**
 * The spec and the API cannot drift: every route in lib/platform.ts exists with its exact route key,
 * behind the admin authorizer when it is an admin route and open when it is a shopper route; the
 * stage is throttled and access-logged, and console accounts are created by admins only.
 */
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AdminUsers, adminAuthorizer } from '../../lib/admin-users';
import { Api } from '../../lib/api';
import { functions as functionSpecs, routeKey, routes, type FunctionName } from '../../lib/platform';
import { bareStack } from './stacks';

/** The routes API Gateway serves: the streamed ones go from CloudFront to their function's URL (lib/web.ts). */
const gatewayRoutes = routes.filter((route) => !route.streamed);

const stubFunction = (stack: Stack, name: string): lambda.Function =>
  new lambda.Function(stack, name, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
  });

describe('Api', () => {
  let template: Template;

  beforeAll(() => {
    const stack = bareStack();
    new AdminUsers(stack, 'AdminUsers');
    const api = new Api(stack, 'Api', {
      throttle: { rateLimit: 50, burstLimit: 100 },
    });
    const stubs = Object.fromEntries(
      Object.keys(functionSpecs).map((name) => [name, stubFunction(stack, name)]),
    ) as Record<FunctionName, lambda.Function>;
    api.addRoutes(routes, stubs, adminAuthorizer(stubs.authorizer));
    template = Template.fromStack(stack);
  });

  it('has exactly the routes of the spec', () => {
    const routeKeys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (route) => route.Properties.RouteKey,
    );
    expect(routeKeys.sort()).toEqual(gatewayRoutes.map(routeKey).sort());
    // Given every route, it leaves out the streamed ones.
    expect(routes.length).toBeGreaterThan(gatewayRoutes.length);
  });

  it.each(gatewayRoutes.filter((route) => route.auth === 'admin').map((route) => [routeKey(route)]))(
    '%s passes the admin authorizer',
    (key) => {
      const [authorizer] = Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'));
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: key,
        AuthorizationType: 'CUSTOM',
        AuthorizerId: { Ref: authorizer },
      });
    },
  );

  it.each(gatewayRoutes.filter((route) => route.auth === 'public').map((route) => [routeKey(route)]))(
    '%s is open to shoppers',
    (key) => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: key,
        AuthorizationType: 'NONE',
        AuthorizerId: Match.absent(),
      });
    },
  );

  it('the authorizer is a REQUEST authorizer on the Authorization header, with simple answers', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
    });
  });

  it('the default stage is throttled and writes access logs', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
        Format: Match.stringLikeRegexp('\\$context.routeKey'),
      },
    });
  });

  it("access logs never record the raw path or query string, which carry shoppers' tokens", () => {
    const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
    const format: string = stage.Properties.AccessLogSettings.Format;
    expect(format).not.toMatch(/\$context\.(path|requestOverride|querystring)/i);
  });

  it('console accounts are created by admins only, with strong passwords and threat protection', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
      MfaConfiguration: 'OPTIONAL',
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      DeletionProtection: 'ACTIVE',
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_SRP_AUTH']),
      PreventUserExistenceErrors: 'ENABLED',
    });
  });
});
