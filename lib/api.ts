/**
 * Api: the HTTP API behind CloudFront's `/api/*`, with one route per entry of `platform.routes`.
 *
 * Admin routes require a Cognito JWT; shopper routes are public by contract and are protected instead by
 * unguessable tokens, the handlers' per-address rate limit and the stage throttling set here. Access logs
 * record the route key, never the raw path or query string, which carry shoppers' tokens.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { routeKey, type FunctionName, type RouteDefinition } from './platform';

export interface ApiProps {
  readonly adminAuthorizer: apigw.IHttpRouteAuthorizer;
  /** Steady-state requests per second and burst allowed across all routes. */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
}

const accessLogFormat = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    sourceIp: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    routeKey: '$context.routeKey',
    status: '$context.status',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
  }),
);

export class Api extends Construct {
  readonly httpApi: apigw.HttpApi;
  private readonly adminAuthorizer: apigw.IHttpRouteAuthorizer;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.adminAuthorizer = props.adminAuthorizer;
    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: 'Backorder platform: shopper and console routes, served under /api/* by CloudFront',
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.ONE_MONTH });
    new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: accessLogFormat,
      },
    });
  }

  /** Host name of the API's default endpoint, for CloudFront's origin. */
  get domainName(): string {
    const stack = Stack.of(this);
    return `${this.httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
  }

  /** Adds every route, each integrated with its function; admin routes get the JWT authorizer. */
  addRoutes(routes: readonly RouteDefinition[], functions: Record<FunctionName, lambda.IFunction>): void {
    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    const integrationFor = (name: FunctionName): HttpLambdaIntegration => {
      let integration = integrations.get(name);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${name}Integration`, functions[name]);
        integrations.set(name, integration);
      }
      return integration;
    };
    for (const route of routes) {
      const [added] = this.httpApi.addRoutes({
        path: route.path,
        methods: [route.method as apigw.HttpMethod],
        integration: integrationFor(route.function),
        authorizer: route.auth === 'admin' ? this.adminAuthorizer : undefined,
      });
      if (route.auth === 'public') {
        Validations.of(added).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${routeKey(route)} is a shopper route, public by contract (DESIGN.md §4): shoppers never sign in, backorder routes check the backorder's own token, and stage throttling plus the signup rate limit bound abuse.`,
        });
      }
    }
  }
}
