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

export const bareStack = (): Stack => new Stack(new App({ context: cdkJsonContext() }), 'Bare');

export interface SynthesizedPlatform {
  readonly app: App;
  readonly stack: BackorderPlatformStack;
  readonly template: Template;
}

/**
 * Context that skips esbuild (CDK's own `aws:cdk:bundling-stacks`), for tests of IAM, encryption and routing,
 * which do not depend on the bundled code: the functions get placeholder assets, everything else is the same.
 */
export const skipBundling: Record<string, unknown> = { 'aws:cdk:bundling-stacks': [] };

/** The whole app, functions bundled with esbuild for real: call once per test file (beforeAll). */
export const synthesizePlatform = (context: Record<string, unknown> = {}): SynthesizedPlatform => {
  const app = new App({ context: { ...cdkJsonContext(), ...context } });
  const stack = buildPlatformApp(app);
  return { app, stack, template: Template.fromStack(stack) };
};

/** Logical id of a construct's CloudFormation resource (the L1 default child of an L2 construct). */
export const logicalId = (construct: IConstruct): string => {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(element);
};

export const repoPath = (...parts: string[]): string => path.join(repositoryRoot, ...parts);
