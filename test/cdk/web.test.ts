/**
 * Shoppers reach pages and API through one CloudFront origin: the bucket is private behind Origin Access
 * Control, page URLs map to files exactly as the local runner maps them, and `/api/*` reaches the API
 * uncached with the viewer's headers (Authorization included) but not its Host.
 */
import * as vm from 'node:vm';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { pageRewriteFunctionCode } from '../../lib/page-rewrite';
import { Web } from '../../lib/web';
import { pageFileFor } from '../../lib/web-paths';
import { bareStack, logicalId, repoPath } from './stacks';

/** Runs the CloudFront Function's source text the way CloudFront does: a `handler(event)` call, nothing else. */
const rewrite = (uri: string): string => {
  const event = {
    version: '1.0',
    context: { eventType: 'viewer-request' },
    request: { method: 'GET', uri, headers: {} },
  };
  return vm.runInNewContext(`${pageRewriteFunctionCode()}\nhandler(event).uri`, { event }) as string;
};

describe('Web', () => {
  let template: Template;
  let web: Web;

  beforeAll(() => {
    const stack = bareStack();
    web = new Web(stack, 'Web', {
      apiDomainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      siteDirectory: repoPath('web'),
      consoleConfig: { region: 'eu-west-1' },
    });
    template = Template.fromStack(stack);
  });

  it("every product's URL serves the one landing page document", () => {
    expect(rewrite('/p/ANTIQUE-CLOCK-1')).toBe('/p/index.html');
  });

  it.each([
    '/',
    '/p/SKU-1',
    '/p/SKU-1/',
    '/status',
    '/status/',
    '/unsubscribe',
    '/assets/site.css',
    '/index.html',
  ])('CloudFront maps %s to the same file as the local runner', (uri) => {
    expect(rewrite(uri)).toBe(pageFileFor(uri));
  });

  it('the page rewrite runs on every viewer request for pages, on the JS 2.0 runtime', () => {
    template.hasResourceProperties('AWS::CloudFront::Function', {
      FunctionConfig: Match.objectLike({ Runtime: 'cloudfront-js-2.0' }),
      FunctionCode: pageRewriteFunctionCode(),
    });
    const [fn] = Object.keys(template.findResources('AWS::CloudFront::Function'));
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          FunctionAssociations: [
            { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [fn, 'FunctionARN'] } },
          ],
        }),
      }),
    });
  });

  it('the site bucket is private and reachable only through Origin Access Control', () => {
    const [oac] = Object.keys(template.findResources('AWS::CloudFront::OriginAccessControl'));
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
      }),
    });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Origins: Match.arrayWith([
          Match.objectLike({
            OriginAccessControlId: { 'Fn::GetAtt': [oac, 'Id'] },
            S3OriginConfig: { OriginAccessIdentity: '' },
          }),
        ]),
      }),
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'site-bucket/' }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject' }),
        ]),
      },
    });
  });

  it('/api/* goes to the HTTP API uncached, with every method and every viewer header but Host', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Origins: Match.arrayWith([
          Match.objectLike({
            DomainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
            CustomOriginConfig: Match.objectLike({ OriginProtocolPolicy: 'https-only' }),
          }),
        ]),
        CacheBehaviors: Match.arrayWith([
          Match.objectLike({
            PathPattern: '/api/*',
            ViewerProtocolPolicy: 'https-only',
            AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
            CachePolicyId: cloudfront.CachePolicy.CACHING_DISABLED.cachePolicyId,
            OriginRequestPolicyId:
              cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
            ResponseHeadersPolicyId:
              cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS.responseHeadersPolicyId,
          }),
        ]),
      }),
    });
  });

  it('pages carry the security headers (web-headers.test.ts) and the distribution logs to the access-log bucket', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({
          ResponseHeadersPolicyId: { Ref: Match.stringLikeRegexp('^WebSiteHeaders') },
        }),
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
      }),
    });
  });

  it('publishes web/ and invalidates the cache on every deploy', () => {
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: { Ref: Match.stringLikeRegexp('^WebSite') },
      DistributionId: { Ref: logicalId(web.distribution) },
      DistributionPaths: ['/*'],
    });
  });
});
