/**
 * Api: the HTTP API behind CloudFront's `/api/*`, with one route per entry of `platform.routes` that is not
 * streamed (those go from CloudFront to their function's URL: lib/web.ts).
 *
 * Admin routes pass the admin Lambda authorizer (a Cognito ID token or an API key: lib/admin-users.ts); shopper routes are public by contract and are protected instead by
 * unguessable tokens, the handlers' per-address rate limit and the throttling set here: the stage default
 * as a ceiling, and each route its class's share of it (`platform.routeThrottles`). Access logs record the
 * route key, never the raw path or query string, which carry shoppers' tokens.
 *
 * The API's own endpoint stays enabled: it is CloudFront's origin, and disabling it takes a custom domain.
 * The API functions refuse whatever did not come through CloudFront instead (lib/origin-secret.ts).
 *
 * Each function may be invoked by this API on its own paths only, through one permission per function
 * (not one per route: the admin function's 30 routes came close to Lambda's 20 KB resource policy limit).
 */
import { Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  routeKey,
  routeThrottles,
  throttleClasses,
  type FunctionName,
  type RouteDefinition,
  type ThrottleClass,
} from './platform';

export interface Throttle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export interface ApiProps {
  /** The stage default: a route's steady-state requests per second and burst, and every class's ceiling. */
  readonly throttle: Throttle;
}

/** A route class's limits: its share of the stage default, at least one request. */
export const classThrottle = (throttleClass: ThrottleClass, ceiling: Throttle): Throttle => {
  const { share } = throttleClasses[throttleClass];
  return {
    rateLimit: Math.max(1, Math.floor(ceiling.rateLimit * share)),
    burstLimit: Math.max(1, Math.floor(ceiling.burstLimit * share)),
  };
};

/**
 * The narrowest single path pattern covering `paths`: the one path itself, or their longest common prefix of
 * literal segments followed by a wildcard (`/api/admin/*`). In execute-api ARNs, `*` spans slashes too.
 */
export const pathScope = (paths: readonly string[]): string => {
  const unique = [...new Set(paths)];
  if (unique.length === 1) return unique[0];
  const split = unique.map((path) => path.split('/').slice(1));
  const common: string[] = [];
  for (let i = 0; ; i++) {
    const segment = split[0][i];
    if (segment === undefined || segment.startsWith('{') || split.some((parts) => parts[i] !== segment))
      break;
    common.push(segment);
  }
  const prefix = `/${common.join('/')}`;
  if (prefix === '/') return '/*';
  return unique.includes(prefix) ? `${prefix}*` : `${prefix}/*`;
};

/**
 * A Lambda proxy integration (payload 2.0) that grants nothing itself: HttpLambdaIntegration adds one invoke
 * permission per route, or with `scopePermissionToRoute: false` one for every path of the API;
 * Api grants each function one permission scoped to its own paths instead.
 */
class LambdaProxyIntegration extends apigw.HttpRouteIntegration {
  constructor(
    id: string,
    private readonly handler: lambda.IFunction,
  ) {
    super(id);
  }

  bind(): apigw.HttpRouteIntegrationConfig {
    return {
      type: apigw.HttpIntegrationType.AWS_PROXY,
      uri: this.handler.functionArn,
      payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
    };
  }
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
  readonly stage: apigw.HttpStage;
  private readonly throttle: Throttle;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.throttle = props.throttle;
    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: 'Backorder platform: shopper and console routes, served under /api/* by CloudFront',
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.ONE_MONTH });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
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

  /**
   * Adds every route, each integrated with its function and throttled by its class; admin routes get the
   * admin authorizer; each function gets one invoke permission, for its own paths of this API.
   */
  addRoutes(
    routes: readonly RouteDefinition[],
    functions: Record<FunctionName, lambda.IFunction>,
    adminAuthorizer: apigw.IHttpRouteAuthorizer,
  ): void {
    // Streamed routes are not the API's: CloudFront sends them to their function's URL (lib/web.ts).
    const served = routes.filter((route) => !route.streamed);
    const integrations = new Map<FunctionName, LambdaProxyIntegration>();
    const integrationFor = (name: FunctionName): LambdaProxyIntegration => {
      let integration = integrations.get(name);
      if (!integration) {
        integration = new LambdaProxyIntegration(`${name}Integration`, functions[name]);
        integrations.set(name, integration);
      }
      return integration;
    };
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const route of served) {
      const throttleClass = routeThrottles[routeKey(route)];
      if (!throttleClass)
        throw new Error(
          `${routeKey(route)} has no throttling class: add it to routeThrottles in lib/platform.ts`,
        );
      const { rateLimit, burstLimit } = classThrottle(throttleClass, this.throttle);
      routeSettings[routeKey(route)] = { ThrottlingRateLimit: rateLimit, ThrottlingBurstLimit: burstLimit };
      const [added] = this.httpApi.addRoutes({
        path: route.path,
        methods: [route.method as apigw.HttpMethod],
        integration: integrationFor(route.function),
        authorizer: route.auth === 'admin' ? adminAuthorizer : undefined,
      });
      if (route.auth === 'public') {
        Validations.of(added).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${routeKey(route)} is a shopper route, public by contract (docs/api.md): shoppers never sign in, backorder routes check the backorder's own token, and stage throttling plus the signup rate limit bound abuse.`,
        });
      }
      // CloudFormation refuses route settings that name a route not created yet.
      this.stage.node.addDependency(added);
    }
    (this.stage.node.defaultChild as apigw.CfnStage).routeSettings = routeSettings;
    for (const name of integrations.keys()) {
      this.allowInvoke(
        functions[name],
        name,
        served.filter((route) => route.function === name).map((route) => route.path),
      );
    }
  }

  /**
   * One permission per function: invoked by this API (its id in the ARN, never a wildcard), any stage and
   * method, on its own paths only. A single ARN pattern cannot leave paths out, so the shopper function's
   * `/api/*` also spans paths of the others; which route reaches which function is the integrations' job.
   */
  private allowInvoke(fn: lambda.IFunction, name: FunctionName, paths: readonly string[]): void {
    fn.addPermission(`${name}Invoke`, {
      scope: this,
      principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      action: 'lambda:InvokeFunction',
      sourceArn: Stack.of(this).formatArn({
        service: 'execute-api',
        resource: this.httpApi.apiId,
        resourceName: `*/*${pathScope(paths)}`,
      }),
    });
  }
}
