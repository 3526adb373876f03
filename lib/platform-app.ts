/**
 * Builds the CDK app: the one BackorderPlatform stack, configured from context, checked by cdk-nag on
 * every synth. bin/app.ts and the cdk-nag test both call it, so the test checks exactly what ships.
 *
 * Context keys (cdk.json or `cdk synth -c key=value`): alarmEmail, senderDomain, defaultSender,
 * senderIdentities (a list in cdk.json, or comma-separated: `-c senderIdentities=shop.example,a@b.example`),
 * signupRateLimit, emailSendRatePerSecond, apiRateLimit, apiBurstLimit. All are optional.
 */
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildEmbed } from '../scripts/build-embed';
import { BackorderPlatformStack, defaults } from './backorder-platform-stack';

export const stackName = 'BackorderPlatform';

const stringContext = (app: App, key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string')
    throw new Error(`Context "${key}" must be a string, got ${JSON.stringify(value)}`);
  return value;
};

const listContext = (app: App, key: string): string[] | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  const list = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string'))
    throw new Error(`Context "${key}" must be a list of strings, got ${JSON.stringify(value)}`);
  return list.map((item) => item.trim()).filter((item) => item !== '');
};

const numberContext = (app: App, key: string): number | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) {
    throw new Error(`Context "${key}" must be a non-negative number, got ${JSON.stringify(value)}`);
  }
  return parsed;
};

export function buildPlatformApp(app: App): BackorderPlatformStack {
  // web/embed.js is generated: built before web/ is packaged as the site's asset, so a deploy ships the
  // storefront embed of this very source.
  buildEmbed();
  const stack = new BackorderPlatformStack(app, stackName, {
    alarmEmail: stringContext(app, 'alarmEmail'),
    senderDomain: stringContext(app, 'senderDomain'),
    defaultSender: stringContext(app, 'defaultSender'),
    senderIdentities: listContext(app, 'senderIdentities'),
    signupRateLimit: numberContext(app, 'signupRateLimit'),
    emailSendRatePerSecond: numberContext(app, 'emailSendRatePerSecond'),
    apiThrottle: {
      rateLimit: numberContext(app, 'apiRateLimit') ?? defaults.apiThrottle.rateLimit,
      burstLimit: numberContext(app, 'apiBurstLimit') ?? defaults.apiThrottle.burstLimit,
    },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}
