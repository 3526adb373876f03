/**
 * Every page and static file reaches the browser with the Content-Security-Policy and the other security
 * headers of lib/web-headers.ts, from a CloudFront response headers policy on each page behaviour: the
 * console's policy under /console*, the shopper pages' policy everywhere else. The storefront embed's script
 * (/embed.js) keeps the shopper pages' headers and adds `Access-Control-Allow-Origin: *` for shops' pages.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import {
  CONSOLE_CONTENT_SECURITY_POLICY,
  CONSOLE_PATH_PATTERN,
  EMBED_HEADERS,
  EMBED_PATH,
  SECURITY_HEADERS,
  SITE_CONTENT_SECURITY_POLICY,
  STRICT_TRANSPORT_SECURITY_SECONDS,
} from '../../lib/web-headers';
import { Web } from '../../lib/web';
import { CLAIM_LINK_PREFIX } from '../../lib/platform-routes';
import { bareStack, repoPath } from './stacks';

interface Behaviour {
  PathPattern?: string;
  ResponseHeadersPolicyId?: unknown;
}

describe('Web security headers', () => {
  let template: Template;
  let behaviours: { default: Behaviour; others: Behaviour[] };
  /** The SecurityHeadersConfig of each response headers policy, by its logical id. */
  let policies: Record<string, any>;
  /** The CorsConfig of each response headers policy that has one, by its logical id. */
  let cors: Record<string, any>;

  beforeAll(() => {
    const stack = bareStack();
    new Web(stack, 'Web', {
      apiDomainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      siteDirectory: repoPath('web'),
      consoleConfig: { region: 'eu-west-1' },
    });
    template = Template.fromStack(stack);
    const [distribution] = Object.values(template.findResources('AWS::CloudFront::Distribution'));
    const config = distribution.Properties.DistributionConfig;
    behaviours = { default: config.DefaultCacheBehavior, others: config.CacheBehaviors };
    policies = Object.fromEntries(
      Object.entries(template.findResources('AWS::CloudFront::ResponseHeadersPolicy')).map(([id, policy]) => [
        id,
        policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig,
      ]),
    );
    cors = Object.fromEntries(
      Object.entries(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'))
        .filter(([, policy]) => policy.Properties.ResponseHeadersPolicyConfig.CorsConfig)
        .map(([id, policy]) => [id, policy.Properties.ResponseHeadersPolicyConfig.CorsConfig]),
    );
  });

  const behaviourAt = (pattern: string): Behaviour | undefined =>
    behaviours.others.find((behaviour) => behaviour.PathPattern === pattern);
  const policyIdOf = (behaviour: Behaviour): string | undefined =>
    (behaviour.ResponseHeadersPolicyId as { Ref?: string }).Ref;

  /** The Content-Security-Policy a behaviour's responses carry. */
  const policyOf = (behaviour: Behaviour): string | undefined => {
    const ref = (behaviour.ResponseHeadersPolicyId as { Ref?: string }).Ref;
    return ref ? policies[ref]?.ContentSecurityPolicy?.ContentSecurityPolicy : undefined;
  };

  it('shopper pages and every other static file carry the site policy', () => {
    expect(policyOf(behaviours.default)).toBe(SITE_CONTENT_SECURITY_POLICY);
  });

  it('the console carries its own policy', () => {
    const console = behaviourAt(CONSOLE_PATH_PATTERN);
    expect(console).toBeDefined();
    expect(policyOf(console!)).toBe(CONSOLE_CONTENT_SECURITY_POLICY);
  });

  it('every behaviour that serves files from the bucket carries a policy', () => {
    const pages = behaviours.others.filter(
      (behaviour) => behaviour.PathPattern !== '/api/*' && behaviour.PathPattern !== `${CLAIM_LINK_PREFIX}*`,
    );
    for (const behaviour of [behaviours.default, ...pages]) expect(policyOf(behaviour)).toBeTruthy();
  });

  it('both policies forbid framing and inline or foreign scripts', () => {
    for (const policy of [SITE_CONTENT_SECURITY_POLICY, CONSOLE_CONTENT_SECURITY_POLICY]) {
      expect(policy).toContain("script-src 'self';");
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).toContain("object-src 'none'");
      expect(policy).toContain("base-uri 'none'");
    }
  });

  it('the other security headers are those the local gateway sends, over any the bucket sends', () => {
    expect(Object.keys(policies)).toHaveLength(3);
    for (const config of Object.values(policies)) {
      expect(config).toEqual({
        ContentSecurityPolicy: { ContentSecurityPolicy: expect.any(String), Override: true },
        ContentTypeOptions: { Override: true },
        FrameOptions: { FrameOption: SECURITY_HEADERS['x-frame-options'], Override: true },
        ReferrerPolicy: { ReferrerPolicy: SECURITY_HEADERS['referrer-policy'], Override: true },
        StrictTransportSecurity: {
          AccessControlMaxAgeSec: STRICT_TRANSPORT_SECURITY_SECONDS,
          IncludeSubdomains: true,
          Override: true,
        },
      });
    }
    expect(SECURITY_HEADERS['strict-transport-security']).toBe(
      `max-age=${STRICT_TRANSPORT_SECURITY_SECONDS}; includeSubDomains`,
    );
    expect(SECURITY_HEADERS['x-content-type-options']).toBe('nosniff');
  });

  it('the embed script carries the site policy and lets pages of any origin load it, without credentials', () => {
    const embed = behaviourAt(EMBED_PATH);
    expect(embed).toBeDefined();
    expect(policyOf(embed!)).toBe(SITE_CONTENT_SECURITY_POLICY);
    expect(Object.keys(cors)).toEqual([policyIdOf(embed!)]);
    expect(cors[policyIdOf(embed!)!]).toEqual({
      AccessControlAllowOrigins: { Items: [EMBED_HEADERS['access-control-allow-origin']] },
      AccessControlAllowMethods: { Items: ['GET', 'HEAD'] },
      AccessControlAllowHeaders: { Items: ['*'] },
      AccessControlAllowCredentials: false,
      OriginOverride: true,
    });
    expect(EMBED_HEADERS).toEqual({ 'access-control-allow-origin': '*' });
  });

  it('the embed behaviour serves the bucket like the default one, read-only', () => {
    const embed = behaviourAt(EMBED_PATH) as any;
    const page = behaviours.default as any;
    expect(embed.TargetOriginId).toBe(page.TargetOriginId);
    expect(embed.FunctionAssociations).toEqual(page.FunctionAssociations);
    expect(embed.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(embed.AllowedMethods ?? ['GET', 'HEAD']).toEqual(['GET', 'HEAD']);
  });

  it('the console behaviour rewrites page URLs like the default one', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        CacheBehaviors: Match.arrayWith([
          Match.objectLike({
            PathPattern: CONSOLE_PATH_PATTERN,
            ViewerProtocolPolicy: 'redirect-to-https',
            FunctionAssociations: (behaviours.default as any).FunctionAssociations,
          }),
        ]),
      }),
    });
  });
});
