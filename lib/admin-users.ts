/**
 * AdminUsers: the Cognito user pool of marketers and customer-service staff, the console's app client, and
 * one group per console role (lib/access.ts): an administrator adds each account to its group.
 *
 * Every admin route passes one Lambda authorizer (`adminAuthorizer`), which accepts an ID token of this pool
 * or a machine's API key and tells the admin functions who is calling; they decide by lib/access.ts.
 *
 * Nobody signs up: an administrator creates each account. The Plus feature plan enables Cognito's threat
 * protection (compromised credentials, risky sign-ins) because these accounts can cancel and fulfil orders.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { AUTHORIZER_CACHE_SECONDS, consoleRoles } from './access';

const ROLE_DESCRIPTIONS: Record<(typeof consoleRoles)[number], string> = {
  admin: 'Everything: settings, webhooks, suppliers, connectors, API keys, and all the others can do',
  marketer: 'Campaigns, products (import, stock), statistics',
  support: 'Shopper lookup, cancel, fulfil, resend links',
};

/**
 * The admin routes' authorizer: REQUEST type with simple responses, its answer cached per Authorization
 * header for a short while (a busy ERP's key is not looked up on every request).
 */
export const adminAuthorizer = (fn: lambda.IFunction): HttpLambdaAuthorizer =>
  new HttpLambdaAuthorizer('AdminAuthorizer', fn, {
    responseTypes: [HttpLambdaResponseType.SIMPLE],
    identitySource: ['$request.header.Authorization'],
    resultsCacheTtl: Duration.seconds(AUTHORIZER_CACHE_SECONDS),
  });

export class AdminUsers extends Construct {
  readonly userPool: cognito.UserPool;
  readonly consoleClient: cognito.UserPoolClient;

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

    for (const role of consoleRoles) {
      new cognito.CfnUserPoolGroup(this, `${role}Group`, {
        userPoolId: this.userPool.userPoolId,
        groupName: role,
        description: ROLE_DESCRIPTIONS[role],
      });
    }
  }
}
