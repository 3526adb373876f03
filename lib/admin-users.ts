/**
 * AdminUsers: the Cognito user pool of marketers and customer-service staff, the console's app client,
 * and the JWT authorizer that guards every admin route with the tokens this pool issues.
 *
 * Nobody signs up: an administrator creates each account. The Plus feature plan enables Cognito's threat
 * protection (compromised credentials, risky sign-ins) because these accounts can cancel and fulfil orders.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

export class AdminUsers extends Construct {
  readonly userPool: cognito.UserPool;
  readonly consoleClient: cognito.UserPoolClient;
  readonly authorizer: HttpJwtAuthorizer;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional by specification for console users: TOTP is offered to every user, and Plus-tier threat protection demands extra verification on risky sign-ins; requiring MFA is a one-line change (Mfa.REQUIRED).',
    });

    // A browser app cannot keep a secret, so the client has none.
    this.consoleClient = this.userPool.addClient('ConsoleClient', {
      // The console signs in with USER_PASSWORD_AUTH over TLS (no SRP library in a no-build page).
      authFlows: { userSrp: true, userPassword: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });

    this.authorizer = new HttpJwtAuthorizer('AdminJwt', this.userPool.userPoolProviderUrl, {
      jwtAudience: [this.consoleClient.userPoolClientId],
    });
  }
}
