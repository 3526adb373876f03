/**
 * The origin secret: proof that a request to the API came through CloudFront. Secrets Manager generates it
 * at deployment; CloudFront's `/api/*` origin sends it as ORIGIN_VERIFY_HEADER, its value a CloudFormation
 * dynamic reference resolved at deployment (the template holds `{{resolve:secretsmanager:…}}`, never the
 * value); the API functions read it (their environment holds only the ARN) and refuse requests without it.
 *
 * Why not disable API Gateway's own endpoint instead: CloudFront's origin is that endpoint's host name. An
 * HTTP API with its default endpoint disabled is reachable only through a custom domain, which this stack
 * does not have yet; with one, `disableExecuteApiEndpoint` would close the door outright.
 */
import { Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export class OriginSecret extends Construct {
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description:
        'CloudFront sends it to the API as x-origin-verify; the API functions refuse requests without it',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'CloudFront takes the value when CloudFormation deploys the distribution, so a rotation is a new value ' +
        'followed by a deployment, done by hand; an automatic rotation would lock CloudFront out until then.',
    });
  }

  get arn(): string {
    return this.secret.secretArn;
  }

  /** The value for CloudFront's origin header: a dynamic reference CloudFormation resolves at deployment. */
  get headerValue(): string {
    return this.secret.secretValue.unsafeUnwrap();
  }

  grantRead(grantee: iam.IGrantable): void {
    this.secret.grantRead(grantee);
  }
}
