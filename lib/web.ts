/**
 * Web: the pages under web/ in a private S3 bucket, served by CloudFront, which also routes `/api/*` to the
 * HTTP API, so pages and API share one origin (no CORS, cookies and tokens stay same-site).
 *
 * The bucket is reachable only through CloudFront (Origin Access Control). Page URLs such as /p/{sku} are
 * rewritten to files by a CloudFront Function built from lib/web-paths.ts. API responses are never cached
 * and reach the API with every viewer header except Host, which API Gateway needs to be its own, plus the
 * origin secret header, which tells the API functions the request came through CloudFront.
 *
 * Every page and static file carries the security headers of lib/web-headers.ts (the Content-Security-Policy
 * among them), from a response headers policy: the console's under /console*, the shopper pages' elsewhere.
 * The storefront embed's script (/embed.js, built into the site directory by scripts/build-embed.ts) has a
 * behaviour of its own whose policy adds `Access-Control-Allow-Origin: *`: shops load it from any origin.
 *
 * Streamed routes (lib/platform.ts `streamed`: the CSV exports) are not API Gateway's, whose Lambda integration
 * buffers answers and caps them at 6 MB: each path has a behaviour of its own, ahead of `/api/*`, to its
 * function's URL (invoke mode RESPONSE_STREAM), set up exactly like `/api/*` (no caching, every viewer header
 * but Host, the query string, the origin secret). The function URL's auth type is NONE, as API Gateway's own
 * endpoint is public, and the function refuses whatever lacks the origin secret. Not Origin Access Control:
 * OAC signs the request to the function URL with SigV4 in the Authorization header, replacing the viewer's
 * `Bearer` credential the function needs to know who calls (with `no-override` a request carrying one is
 * not signed at all, and an IAM-auth URL refuses it).
 */
import { Duration, Fn, Lazy, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { pageRewriteFunctionCode } from './page-rewrite';
import { CLAIM_LINK_PREFIX } from './platform-routes';
import {
  CONSOLE_CONTENT_SECURITY_POLICY,
  CONSOLE_PATH_PATTERN,
  EMBED_HEADERS,
  EMBED_PATH,
  SITE_CONTENT_SECURITY_POLICY,
  STRICT_TRANSPORT_SECURITY_SECONDS,
} from './web-headers';

export interface WebProps {
  /** Host name of the HTTP API (no scheme, no path). */
  readonly apiDomainName: string;
  /**
   * Headers CloudFront adds to every request to the API, over any viewer copy: the origin secret
   * (lib/origin-secret.ts), by which the API functions tell CloudFront from a caller of the API's own endpoint.
   */
  readonly apiOriginHeaders?: Record<string, string>;
  /** Directory whose files are published as the site. */
  readonly siteDirectory: string;
  /** Values the console reads at run time, published as /console-config.json (deploy-time tokens allowed). */
  readonly consoleConfig: Record<string, string>;
  /**
   * Paths served by a streaming function's URL instead of the API, by function (lib/platform.ts `streamed`
   * routes). Their behaviours come before `/api/*`, so they are made with the distribution, before the
   * functions exist (the functions need the site's URL): `serveStreamed` names each URL once it does.
   */
  readonly streamedPaths?: Readonly<Record<string, readonly string[]>>;
}

export class Web extends Construct {
  readonly distribution: cloudfront.Distribution;
  /** The host name of each streaming function's URL, once `serveStreamed` gave it. */
  private readonly streamedHosts = new Map<string, string>();

  constructor(
    scope: Construct,
    id: string,
    private readonly props: WebProps,
  ) {
    super(scope, id);
    const accessLogs = this.accessLogBucket();
    const site = new s3.Bucket(this, 'Site', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'site-bucket/',
    });

    const pageRewrite = new cloudfront.Function(this, 'PageRewrite', {
      comment: 'Maps page URLs to files in the site bucket (lib/web-paths.ts)',
      code: cloudfront.FunctionCode.fromInline(pageRewriteFunctionCode()),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
    });

    const pageFiles = {
      origin: S3BucketOrigin.withOriginAccessControl(site),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      functionAssociations: [
        { function: pageRewrite, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
      ],
    };

    const apiBehavior = {
      // No redirect: a redirected POST would lose its body.
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      // With caching disabled this policy also forwards Authorization, which the admin routes need.
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
    };
    const apiRoutes: cloudfront.BehaviorOptions = {
      ...apiBehavior,
      origin: new HttpOrigin(props.apiDomainName, {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        customHeaders: props.apiOriginHeaders,
      }),
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
    };
    const streamedBehaviors: Record<string, cloudfront.BehaviorOptions> = {};
    for (const [name, paths] of Object.entries(props.streamedPaths ?? {})) {
      const origin = new HttpOrigin(
        Lazy.string({
          produce: () => {
            const host = this.streamedHosts.get(name);
            if (!host)
              throw new Error(`No function URL for the streamed routes of ${name}: call serveStreamed`);
            return host;
          },
        }),
        {
          protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
          customHeaders: props.apiOriginHeaders,
          // Between two chunks of an answer: a page of rows takes milliseconds, DynamoDB's retries seconds.
          readTimeout: Duration.seconds(60),
        },
      );
      for (const path of paths)
        streamedBehaviors[path] = {
          ...apiBehavior,
          origin,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        };
    }

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Backorder platform: shopper pages, console and /api/*',
      defaultRootObject: 'index.html',
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: accessLogs,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        ...pageFiles,
        responseHeadersPolicy: this.pageHeaders('SiteHeaders', SITE_CONTENT_SECURITY_POLICY),
      },
      additionalBehaviors: {
        [CONSOLE_PATH_PATTERN]: {
          ...pageFiles,
          responseHeadersPolicy: this.pageHeaders('ConsoleHeaders', CONSOLE_CONTENT_SECURITY_POLICY),
        },
        [EMBED_PATH]: {
          ...pageFiles,
          responseHeadersPolicy: this.pageHeaders('EmbedHeaders', SITE_CONTENT_SECURITY_POLICY, {
            accessControlAllowOrigins: [EMBED_HEADERS['access-control-allow-origin']],
            accessControlAllowMethods: ['GET', 'HEAD'],
            accessControlAllowHeaders: ['*'],
            accessControlAllowCredentials: false,
            // Over anything S3 might send: the answer is the same for every origin.
            originOverride: true,
          }),
        },
        // CloudFront takes the first behaviour whose pattern matches: the streamed paths before `/api/*`.
        ...streamedBehaviors,
        '/api/*': apiRoutes,
        // "Complete your order" links (GET /r/{id}): a page shoppers open, answered by the API with a redirect.
        [`${CLAIM_LINK_PREFIX}*`]: apiRoutes,
      },
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The distribution uses the default *.cloudfront.net certificate, whose minimum TLS version CloudFront does not let us raise; a custom domain with its own certificate (and TLSv1.2_2021) is a later step.',
      },
      {
        id: 'AwsSolutions-CFR1',
        reason: 'The shop sells to customers wherever they are; there is no country to block.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'No WAF web ACL yet: abuse of the public routes is bounded by API stage throttling and the signup rate limit; a web ACL is an operational add-on decided per shop.',
      },
    );

    const pages = new BucketDeployment(this, 'Pages', {
      sources: [
        Source.asset(props.siteDirectory),
        Source.jsonData('console-config.json', props.consoleConfig),
      ],
      destinationBucket: site,
      distribution: this.distribution,
      distributionPaths: ['/*'],
    });
    acknowledgeDeploymentHandler(pages, site);
  }

  /** The URL of the function whose streamed paths (`streamedPaths`) CloudFront sends there. */
  serveStreamed(name: string, url: lambda.IFunctionUrl): void {
    if (!(name in (this.props.streamedPaths ?? {}))) throw new Error(`${name} has no streamed paths`);
    // https://<id>.lambda-url.<region>.on.aws/ → its host name, as CDK's FunctionUrlOrigin takes it.
    this.streamedHosts.set(name, Fn.select(2, Fn.split('/', url.url)));
  }

  /** Base URL shoppers use: status and unsubscribe links are built on it. */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }

  /**
   * The security headers of lib/web-headers.ts with one Content-Security-Policy, over whatever S3 sends, and
   * CORS headers for a file other sites may load.
   */
  private pageHeaders(
    id: string,
    contentSecurityPolicy: string,
    corsBehavior?: cloudfront.ResponseHeadersCorsBehavior,
  ): cloudfront.ResponseHeadersPolicy {
    return new cloudfront.ResponseHeadersPolicy(this, id, {
      comment: 'Security headers of the site (lib/web-headers.ts)',
      corsBehavior,
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.seconds(STRICT_TRANSPORT_SECURITY_SECONDS),
          includeSubdomains: true,
          override: true,
        },
      },
    });
  }

  /** CloudFront standard logs and the site bucket's server access logs, kept 90 days. */
  private accessLogBucket(): s3.Bucket {
    const bucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logging writes with ACLs, so the bucket must accept object-writer ACLs.
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself; logging its own accesses into itself would loop.',
    });
    return bucket;
  }
}

/**
 * BucketDeployment's copy-and-invalidate Lambda is CDK's own singleton custom resource: its runtime, role
 * and policy are not ours to shape, so its findings are acknowledged here, each for what it really grants.
 */
function acknowledgeDeploymentHandler(deployment: BucketDeployment, site: s3.Bucket): void {
  const siteLogicalId = Stack.of(site).getLogicalId(site.node.defaultChild as s3.CfnBucket);
  const handler = deployment.handlerRole.node.scope;
  if (!handler) throw new Error('BucketDeployment handler role has no parent function');
  const staging = 'CDK staging bucket holding the zipped web/ asset';
  Validations.of(handler).acknowledge(
    {
      id: 'AwsSolutions-L1',
      reason: 'Runtime of the CDK-managed BucketDeployment handler, chosen and upgraded by aws-cdk-lib.',
    },
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'The CDK-managed BucketDeployment handler logs with the basic execution role; it runs only during deploys.',
    },
    {
      id: 'AwsSolutions-IAM5[Action::s3:GetBucket*]',
      reason: `Read-only access to the ${staging} and the site bucket.`,
    },
    {
      id: 'AwsSolutions-IAM5[Action::s3:GetObject*]',
      reason: `Reads the ${staging}; copies objects of the site bucket.`,
    },
    {
      id: 'AwsSolutions-IAM5[Action::s3:List*]',
      reason: `Lists the ${staging} and the site bucket to sync them.`,
    },
    {
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
      reason: `Objects of the ${staging}, read-only.`,
    },
    {
      id: 'AwsSolutions-IAM5[Action::s3:Abort*]',
      reason: 'Aborts its own multipart uploads to the site bucket only.',
    },
    {
      id: 'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
      reason: 'Prunes files removed from web/ out of the site bucket only.',
    },
    {
      id: `AwsSolutions-IAM5[Resource::<${siteLogicalId}.Arn>/*]`,
      reason: 'Objects of the site bucket, the deployment destination: nothing else is writable.',
    },
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'cloudfront:CreateInvalidation/GetInvalidation, which the CDK handler grants on "*" to invalidate the cache after a deploy.',
    },
  );
}
