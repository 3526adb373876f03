/**
 * Deployed, webhooks never go to loopback receivers or over plain http (docs/api.md: WEBHOOK_ALLOW_LOOPBACK is
 * "never set on AWS"): no function of the synthesized stack, the platform's or CDK's own, has
 * WEBHOOK_ALLOW_LOOPBACK=1, and the two that judge endpoint URLs (adminApi on save, webhookSender at delivery)
 * are told "0" explicitly, so the rule holds from their first cold start.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { functions as functionSpecs, type FunctionDefinition, type FunctionName } from '../../lib/platform';
import { logicalId, synthesizePlatform, type SynthesizedPlatform } from './stacks';

type Json = any;

describe('webhook egress as deployed', () => {
  let platform: SynthesizedPlatform;
  let template: Template;

  beforeAll(() => {
    platform = synthesizePlatform();
    template = platform.template;
  });

  test('no deployed function has WEBHOOK_ALLOW_LOOPBACK=1', () => {
    const functions = Object.entries(template.findResources('AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThanOrEqual(Object.keys(functionSpecs).length);
    const allowing = functions
      .filter(([, resource]: [string, Json]) => {
        const value = resource.Properties?.Environment?.Variables?.WEBHOOK_ALLOW_LOOPBACK;
        return value !== undefined && value !== '0';
      })
      .map(([id]) => id);
    expect(allowing).toEqual([]);
  });

  test('the functions that judge endpoint URLs are told "0"', () => {
    const judges = (Object.values(functionSpecs) as FunctionDefinition[]).filter((spec) =>
      (spec.config as readonly string[]).includes('WEBHOOK_ALLOW_LOOPBACK'),
    );
    expect(judges.map((spec) => spec.name).sort()).toEqual(['adminApi', 'webhookSender']);
    const resources = template.toJSON().Resources;
    for (const spec of judges) {
      const fn = platform.stack.functions.functions[spec.name as FunctionName];
      expect(resources[logicalId(fn)].Properties.Environment.Variables.WEBHOOK_ALLOW_LOOPBACK).toBe('0');
    }
  });
});
