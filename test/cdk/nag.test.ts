/**
 * The app passes cdk-nag's AWS Solutions checks exactly as `cdk synth` runs them, and every finding we
 * acknowledge carries a written, specific reason.
 */
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { synthesizePlatform, type SynthesizedPlatform } from './stacks';

interface Acknowledgement {
  readonly path: string;
  readonly rule: string;
  readonly reason: string;
}

const acknowledgements = (platform: SynthesizedPlatform): Acknowledgement[] =>
  platform.app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          rule: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );

describe('cdk-nag AWS Solutions checks', () => {
  let platform: SynthesizedPlatform;

  beforeAll(() => {
    // synthesizePlatform registers the checks as bin/app.ts does; a violation would make the synth throw. So
    // would a template CloudFormation's schema refuses: CDK's own check runs here, as in `cdk synth`. The
    // rules read resources, never the bundled code: esbuild is skipped (config-reach.test.ts bundles).
    platform = synthesizePlatform({}, { validate: true });
  });

  it('synthesizes with no unacknowledged finding, error or warning', () => {
    const report = new AwsSolutionsChecks().validateScope(platform.app);
    const findings = report.violations.flatMap((violation) =>
      violation.violatingResources.map(
        (resource) => `${violation.severity} ${violation.ruleName} at ${resource.constructPath}`,
      ),
    );
    expect(findings).toEqual([]);
  });

  it('acknowledges AWS Solutions rules only with a specific written reason', () => {
    const ours = acknowledgements(platform).filter((ack) => ack.rule.startsWith('AwsSolutions-'));
    expect(ours.length).toBeGreaterThan(0);
    for (const ack of ours) {
      expect({ ...ack, reasonIsSpecific: ack.reason.trim().length >= 40 }).toMatchObject({
        reasonIsSpecific: true,
      });
    }
  });

  it('never acknowledges a rule for the whole stack or app', () => {
    const broad = acknowledgements(platform).filter(
      (ack) => ack.rule.startsWith('AwsSolutions-') && ack.path.split('/').length < 2,
    );
    expect(broad).toEqual([]);
  });
});
