/**
 * BackorderPlatformStack: composes one construct per capability. The stateful ones (storage, queues,
 * email) are created first and handed as typed props to the stateless ones (functions, API, web).
 *
 * Order matters only for references: the functions need the site's URL (PUBLIC_BASE_URL), and CloudFront
 * needs the API's host name, so routes are added to the API once the functions exist.
 */
import * as path from 'node:path';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AdminUsers, adminAuthorizer } from './admin-users';
import { Alerts } from './alerts';
import { Api } from './api';
import { Email } from './email';
import { Feedback } from './feedback';
import { Functions } from './functions';
import { InventorySecret } from './inventory-secret';
import { OriginSecret } from './origin-secret';
import { ORIGIN_VERIFY_HEADER, routes, type FunctionName } from './platform';
import { repositoryRoot } from './platform-function';
import { Queues } from './queues';
import { Scheduling } from './scheduling';
import { Storage } from './storage';
import { Web } from './web';

export interface BackorderPlatformProps extends StackProps {
  /** Address notified when a message lands in a dead-letter queue. */
  readonly alarmEmail?: string;
  /** Domain to create and verify as the SES sending identity. */
  readonly senderDomain?: string;
  /** Sender used until a marketer saves one in the settings. */
  readonly defaultSender?: string;
  /**
   * SES identities (domains, addresses) verified in the account that the console may choose a sender from;
   * the sending functions are granted these alone. Default: the sender domain, else the default sender's.
   */
  readonly senderIdentities?: readonly string[];
  /** Signups per client address and per email per minute; 0 turns the limit off. */
  readonly signupRateLimit?: number;
  /** The account's SES maximum send rate. */
  readonly emailSendRatePerSecond?: number;
  /** API stage throttling across all routes. */
  readonly apiThrottle?: { readonly rateLimit: number; readonly burstLimit: number };
}

export const defaults = {
  defaultSender: 'Backorders <no-reply@example.com>',
  apiThrottle: { rateLimit: 50, burstLimit: 100 },
} as const;

export class BackorderPlatformStack extends Stack {
  readonly storage: Storage;
  readonly queues: Queues;
  readonly email: Email;
  readonly feedback: Feedback;
  readonly functions: Functions;
  readonly api: Api;
  readonly web: Web;
  /** Read by the functions whose spec lists INVENTORY_WEBHOOK_SECRET_ARN. */
  readonly inventorySecret: InventorySecret;
  /** CloudFront's origin header value; read by the functions whose spec lists ORIGIN_VERIFY_SECRET_ARN. */
  readonly originSecret: OriginSecret;
  /** The key of the claim codes; read by the functions whose spec lists CLAIM_SECRET_ARN. */
  readonly claimSecret: InventorySecret;

  constructor(scope: Construct, id: string, props: BackorderPlatformProps = {}) {
    super(scope, id, {
      description: 'Backorder notification platform: signups, nurture email, restock allocation',
      ...props,
    });
    const defaultSender = props.defaultSender ?? defaults.defaultSender;

    this.storage = new Storage(this, 'Storage');
    const alerts = new Alerts(this, 'Alerts', { email: props.alarmEmail });
    this.queues = new Queues(this, 'Queues', { alerts });
    this.email = new Email(this, 'Email', {
      senderDomain: props.senderDomain,
      defaultSender,
      senderIdentities: props.senderIdentities,
    });
    this.feedback = new Feedback(this, 'Feedback', {
      configurationSet: this.email.configurationSet,
      queue: this.queues.queues.feedback,
    });
    const adminUsers = new AdminUsers(this, 'AdminUsers');

    this.api = new Api(this, 'Api', {
      throttle: props.apiThrottle ?? defaults.apiThrottle,
    });
    const originSecret = new OriginSecret(this, 'OriginVerify');
    this.originSecret = originSecret;
    // Streamed routes go from CloudFront to their function's URL, not to the API (lib/web.ts).
    const streamedPaths: Partial<Record<FunctionName, string[]>> = {};
    for (const route of routes) if (route.streamed) (streamedPaths[route.function] ??= []).push(route.path);
    this.web = new Web(this, 'Web', {
      apiDomainName: this.api.domainName,
      apiOriginHeaders: { [ORIGIN_VERIFY_HEADER]: originSecret.headerValue },
      siteDirectory: path.join(repositoryRoot, 'web'),
      consoleConfig: {
        region: this.region,
        userPoolId: adminUsers.userPool.userPoolId,
        userPoolClientId: adminUsers.consoleClient.userPoolClientId,
      },
      streamedPaths,
    });
    const inventorySecret = new InventorySecret(this, 'InventoryWebhook');
    this.inventorySecret = inventorySecret;
    const claimSecret = (this.claimSecret = new InventorySecret(this, 'ClaimKey', {
      description: 'Key of the claim codes an allocated shopper takes to the shop checkout (HMAC-SHA256)',
      whyNotRotated:
        "A new key invalidates every claim code in shoppers' hands (holds last up to 30 days); rotate by hand " +
        'between drops. Functions read it with a five-minute cache.',
    }));
    this.functions = new Functions(this, 'Functions', {
      tables: this.storage.tables,
      queues: this.queues.queues,
      email: this.email,
      config: {
        PUBLIC_BASE_URL: this.web.url,
        ...(props.signupRateLimit === undefined ? {} : { SIGNUP_RATE_LIMIT: String(props.signupRateLimit) }),
        SES_CONFIGURATION_SET: this.email.configurationSetName,
        // The account's SES rate: shared out between the sending queues by what each has waiting
        // (lambdas/domain/send-rate.ts), each queue's batches pacing themselves to their part of its share
        // (lib/platform.ts sendRatePerBatch), so together they stay within it.
        ...(props.emailSendRatePerSecond === undefined
          ? {}
          : { EMAIL_SEND_RATE_PER_SECOND: String(props.emailSendRatePerSecond) }),
        DEFAULT_SENDER: defaultSender,
        INVENTORY_WEBHOOK_SECRET_ARN: inventorySecret.arn,
        ORIGIN_VERIFY_SECRET_ARN: originSecret.arn,
        CLAIM_SECRET_ARN: claimSecret.arn,
        SENDER_IDENTITIES: this.email.senderIdentities.join(','),
        // Deployed, webhooks never go to loopback or over plain http (test/cdk/webhook-egress.test.ts).
        WEBHOOK_ALLOW_LOOPBACK: '0',
        // The authorizer verifies console staff's ID tokens against this pool and client.
        CONSOLE_USER_POOL_ID: adminUsers.userPool.userPoolId,
        CONSOLE_CLIENT_ID: adminUsers.consoleClient.userPoolClientId,
      },
    });
    this.api.addRoutes(
      routes,
      this.functions.functions,
      adminAuthorizer(this.functions.functions.authorizer),
    );
    for (const name of Object.keys(streamedPaths) as FunctionName[])
      this.web.serveStreamed(name, this.functions.functions[name].streamThroughUrl());
    // Each secret is read by the functions whose spec names its configuration variable: the inventory
    // webhook's by inventoryApi, the origin secret by every API function, the claim key by those that make or
    // verify claim codes.
    for (const fn of Object.values(this.functions.functions)) {
      if (fn.spec.config.includes('INVENTORY_WEBHOOK_SECRET_ARN')) inventorySecret.grantRead(fn);
      if (fn.spec.config.includes('ORIGIN_VERIFY_SECRET_ARN')) originSecret.grantRead(fn);
      if (fn.spec.config.includes('CLAIM_SECRET_ARN')) claimSecret.grantRead(fn);
    }
    new Scheduling(this, 'Scheduling', { functions: this.functions.functions });

    new CfnOutput(this, 'SiteUrl', { value: this.web.url, description: 'Shopper pages, console and /api/*' });
    new CfnOutput(this, 'AdminUserPoolId', { value: adminUsers.userPool.userPoolId });
    new CfnOutput(this, 'AdminConsoleClientId', { value: adminUsers.consoleClient.userPoolClientId });
  }
}
