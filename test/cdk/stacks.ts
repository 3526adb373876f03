/**
 * Stacks for the CDK tests: bare stacks for one construct at a time, and the whole app as `cdk synth`
 * builds it, with cdk.json's feature flags so the tests see what a deploy would.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import type { BackorderPlatformStack } from '../../lib/backorder-platform-stack';
import { buildPlatformApp } from '../../lib/platform-app';
import { repositoryRoot } from '../../lib/platform-function';

export const cdkJsonContext = (): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(path.join(repositoryRoot, 'cdk.json'), 'utf8')).context;

/**
 * CDK checks every synthesized template against the CloudFormation schema with a WebAssembly validator that
 * takes seconds to load in each test file. The whole app is checked that way once, by nag.test.ts, as
 * `cdk synth` checks it; the other tests assert on the template and leave it out.
 */
const quickApp = (context: Record<string, unknown>, validate = false): App =>
  new App({ context: { ...cdkJsonContext(), ...context }, builtinCloudFormationValidation: validate });

export const bareStack = (): Stack => new Stack(quickApp({}), 'Bare');

export interface SynthesizedPlatform {
  readonly app: App;
  readonly stack: BackorderPlatformStack;
  readonly template: Template;
}

/**
 * Context that skips esbuild (CDK's own `aws:cdk:bundling-stacks`): the stack tests check IAM, encryption,
 * routing and configuration, which do not depend on the bundled code, so the functions get placeholder assets
 * and everything else is the same. That every function bundles is checked by config-reach.test.ts, which
 * builds each one as the deploy does, in-process and much faster than CDK's esbuild run per function.
 */
const skipBundling: Record<string, unknown> = { 'aws:cdk:bundling-stacks': [] };

/**
 * The whole app as `cdk synth` builds it, bar the bundling (and the schema check unless `validate`): call once
 * per test file (beforeAll).
 */
export const synthesizePlatform = (
  context: Record<string, unknown> = {},
  { validate = false } = {},
): SynthesizedPlatform => {
  const app = quickApp({ ...context, ...skipBundling }, validate);
  const stack = buildPlatformApp(app);
  return { app, stack, template: Template.fromStack(stack) };
};

/** Logical id of a construct's CloudFormation resource (the L1 default child of an L2 construct). */
export const logicalId = (construct: IConstruct): string => {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(element);
};

export const repoPath = (...parts: string[]): string => path.join(repositoryRoot, ...parts);
