// @ts-check
/**
 * Who is signed in to the console, and how they sign in.
 *
 * Locally the credential is the admin bearer token that `npm start` prints. On AWS the site publishes
 * /console-config.json ({region, userPoolId, userPoolClientId}) and staff sign in with their Cognito user:
 * USER_PASSWORD_AUTH straight against Cognito's API, whose ID token is the bearer the API's JWT authorizer
 * checks. The bearer lives in sessionStorage: it is gone when the tab closes, and other tabs never see it.
 */

const TOKEN_KEY = 'backorders.console.bearer';
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/**
 * @typedef {{mode:'token'} | {mode:'cognito', region:string, userPoolId:string, userPoolClientId:string}} SignInMode
 */

/**
 * How this deployment signs in. A missing or unreadable /console-config.json (the local runner has none)
 * means the token form.
 * @returns {Promise<SignInMode>}
 */
export async function loadSignInMode() {
  let config;
  try {
    const response = await fetch('/console-config.json', { cache: 'no-store', credentials: 'same-origin' });
    if (!response.ok) return { mode: 'token' };
    config = await response.json();
  } catch {
    return { mode: 'token' };
  }
  if (
    config &&
    typeof config.region === 'string' &&
    REGION.test(config.region) &&
    typeof config.userPoolId === 'string' &&
    config.userPoolId !== '' &&
    typeof config.userPoolClientId === 'string' &&
    config.userPoolClientId !== ''
  ) {
    return {
      mode: 'cognito',
      region: config.region,
      userPoolId: config.userPoolId,
      userPoolClientId: config.userPoolClientId,
    };
  }
  return { mode: 'token' };
}

// ---- the session ----------------------------------------------------------------------------------------

/** The bearer to send, or null when nobody is signed in (or a Cognito token has expired). */
export function currentBearer() {
  let token;
  try {
    token = window.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
  if (!token) return null;
  const expiresAt = jwtExpiry(token);
  if (expiresAt !== null && expiresAt <= Date.now()) {
    forgetBearer();
    return null;
  }
  return token;
}

export function rememberBearer(token) {
  window.sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetBearer() {
  try {
    window.sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage switched off: there is nothing to forget.
  }
}

/** A JWT's `exp` in milliseconds; null for the local token, which is not a JWT and does not expire. */
function jwtExpiry(token) {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const json = window.atob(parts[1].replace(/-/g, '+').replace(/_/g, '/'));
    const exp = JSON.parse(json).exp;
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}

// ---- Cognito ------------------------------------------------------------------------------------------

/** A Cognito answer that is not a token: the person has to do something more, or try again. */
export class CognitoError extends Error {
  constructor(type, message) {
    super(message);
    this.name = 'CognitoError';
    this.type = type;
  }
}

/**
 * @typedef {{token:string} | {challenge:'NEW_PASSWORD_REQUIRED'|'SOFTWARE_TOKEN_MFA', session:string, username:string}} SignInStep
 */

/**
 * Signs in with email and password.
 * @param {SignInMode & {mode:'cognito'}} mode
 * @returns {Promise<SignInStep>}
 */
export async function signInWithPassword(mode, username, password) {
  const answer = await callCognito(mode, 'InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: mode.userPoolClientId,
    AuthParameters: { USERNAME: username, PASSWORD: password },
  });
  return stepFrom(answer, username);
}

/**
 * Answers the challenge Cognito set: a new password for a first sign-in with a temporary one, or the
 * six-digit code of an authenticator app.
 * @returns {Promise<SignInStep>}
 */
export async function answerChallenge(mode, challenge, session, username, answer) {
  const responses =
    challenge === 'NEW_PASSWORD_REQUIRED'
      ? { USERNAME: username, NEW_PASSWORD: answer }
      : { USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: answer };
  const result = await callCognito(mode, 'RespondToAuthChallenge', {
    ChallengeName: challenge,
    ClientId: mode.userPoolClientId,
    Session: session,
    ChallengeResponses: responses,
  });
  return stepFrom(result, username);
}

function stepFrom(answer, username) {
  const idToken = answer?.AuthenticationResult?.IdToken;
  if (typeof idToken === 'string' && idToken) return { token: idToken };
  const challenge = answer?.ChallengeName;
  if (challenge === 'NEW_PASSWORD_REQUIRED' || challenge === 'SOFTWARE_TOKEN_MFA') {
    // Cognito names the user by its internal id in later challenges; use that when it says so.
    const name = answer?.ChallengeParameters?.USER_ID_FOR_SRP || username;
    return { challenge, session: answer.Session, username: name };
  }
  throw new CognitoError(
    'UnsupportedChallenge',
    challenge
      ? `This account needs a sign-in step the console does not support (${challenge}). Ask an administrator to finish setting it up with the AWS CLI.`
      : 'Cognito did not return a token.',
  );
}

async function callCognito(mode, action, payload) {
  let response;
  let body;
  try {
    response = await fetch(`https://cognito-idp.${mode.region}.amazonaws.com/`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': `AWSCognitoIdentityProviderService.${action}`,
      },
      body: JSON.stringify(payload),
      cache: 'no-store',
      credentials: 'omit',
    });
    body = await response.json().catch(() => null);
  } catch {
    throw new CognitoError('Network', 'The sign-in service could not be reached. Check your connection.');
  }
  if (response.ok) return body;
  const type = String(body?.__type ?? '')
    .split('#')
    .pop();
  throw new CognitoError(type || `HTTP_${response.status}`, cognitoMessage(type, body?.message));
}

/** Cognito's exceptions in words a marketer can act on. */
function cognitoMessage(type, message) {
  switch (type) {
    case 'NotAuthorizedException':
      return /flow not enabled/i.test(message ?? '')
        ? 'Password sign-in is not enabled for the console app client (USER_PASSWORD_AUTH). Ask an administrator.'
        : 'The email address or password is not right.';
    case 'UserNotFoundException':
      return 'The email address or password is not right.';
    case 'PasswordResetRequiredException':
      return 'Your password must be reset before you can sign in. Ask an administrator.';
    case 'UserNotConfirmedException':
      return 'Your account is not confirmed yet. Ask an administrator.';
    case 'InvalidPasswordException':
      return message || 'That password does not meet the password policy.';
    case 'CodeMismatchException':
      return 'That code is not right. Enter the current code from your authenticator app.';
    case 'ExpiredCodeException':
      return 'That code has expired. Enter the current one.';
    case 'TooManyRequestsException':
    case 'LimitExceededException':
      return 'Too many attempts. Wait a minute and try again.';
    case 'InvalidParameterException':
      return /USER_PASSWORD_AUTH/i.test(message ?? '')
        ? 'Password sign-in is not enabled for the console app client (USER_PASSWORD_AUTH). Ask an administrator.'
        : message || 'Sign-in failed.';
    default:
      return message || 'Sign-in failed. Try again.';
  }
}
