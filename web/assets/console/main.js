// @ts-check
/**
 * The console's shell: sign-in, the section navigation, and a hash router (#/products/SKU, #/lookup?email=…)
 * so the browser's back button, reloads and shared links land on the same screen.
 *
 * When the session ends (a 401 from any call), the sections keep what was on screen: after signing in
 * again the person is back where they were, with unsaved edits still there.
 */
import { ApiError, NetworkError, request } from '../api.js';
import { SignedOut, admin, whenSignedOut } from './admin.js';
import {
  CognitoError,
  answerChallenge,
  currentBearer,
  forgetBearer,
  loadSignInMode,
  rememberBearer,
  signInWithPassword,
} from './auth.js';
import { byId, clearFieldErrors, confirmAction, control, setFieldError, showResult } from './dom.js';
import * as settings from './settings.js';
import * as products from './products.js';
import * as campaigns from './campaigns.js';
import * as suppliers from './suppliers.js';
import * as lookup from './lookup.js';
import * as webhooks from './webhooks.js';
import * as connectors from './connectors.js';
import * as dashboard from './dashboard.js';
import * as embed from './embed-page.js';
import * as apiKeys from './api-keys.js';
import { DEFAULT_SECTION, SECTION_NEEDS, currentRoute, onQuietChange } from './router.js';

/**
 * What main.js asks of each section module.
 * @typedef {object} ConsoleSection
 * @property {() => HTMLElement} element the section's <section>
 * @property {() => HTMLElement|null} heading what takes focus when the section shows again
 * @property {(route: import('./section.js').Route) => string} title the document title
 * @property {(route: import('./section.js').Route) => Promise<HTMLElement|null>} show
 * @property {() => boolean} [hasUnsavedChanges]
 * @property {() => void} [discardChanges]
 * @property {() => void} [reset] forgets what was shown (signing out)
 */

/** @type {Record<string, ConsoleSection>} */
const SECTIONS = {
  settings,
  products,
  campaigns,
  suppliers,
  lookup,
  webhooks,
  connectors,
  dashboard,
  embed,
  'api-keys': apiKeys,
};

const main = byId('main');
const nav = byId('console-nav');
const signOutButton = byId('sign-out', window.HTMLButtonElement);
const signInView = byId('view-signin');
const signInTitle = byId('signin-title');
const signInMessage = byId('signin-message');
const tokenForm = byId('token-form', window.HTMLFormElement);
const passwordForm = byId('password-form', window.HTMLFormElement);
const challengeForm = byId('challenge-form', window.HTMLFormElement);
/** @param {HTMLFormElement} form */
const submitButton = (form) => /** @type {HTMLButtonElement} */ (form.querySelector('button[type="submit"]'));

/** @type {import('./auth.js').SignInMode} */
let signInMode = { mode: 'token' };
/** The hash last shown, and whether it finished loading (so signing in again need not reload it). */
let shown = { hash: /** @type {string|null} */ (null), complete: false };
/** The sections the signed-in person's role opens (GET /api/admin/me), once per sign-in; null until known. */
let openSections = /** @type {string[]|null} */ (null);
/** A Cognito challenge in progress: {challenge, session, username}. */
let pendingChallenge = /** @type {any} */ (null);

// ---- routing ------------------------------------------------------------------------------------------

/**
 * Learns which sections the signed-in person may use and shows only those in the navigation. An account
 * in no group (Cognito) opens none: it is told so on the sign-in screen.
 * @returns {Promise<boolean>} whether any section is open
 */
async function loadOpenSections() {
  if (openSections === null) {
    const { body } = await admin('GET', '/api/admin/me');
    const routes = new Set(Array.isArray(body?.routes) ? body.routes : []);
    openSections = Object.keys(SECTIONS).filter((name) => routes.has(SECTION_NEEDS[name]));
    nav.querySelectorAll('a[data-view]').forEach((link) => {
      const item = /** @type {HTMLElement} */ (link.parentElement);
      item.hidden = !openSections?.includes(/** @type {HTMLElement} */ (link).dataset.view ?? '');
    });
  }
  return openSections.length > 0;
}

async function showRoute() {
  if (!currentBearer()) {
    showSignIn();
    return;
  }
  try {
    if (!(await loadOpenSections())) {
      forgetBearer();
      openSections = null;
      showSignIn('Your account has no console role yet: ask an administrator to add you to a group.');
      return;
    }
  } catch (error) {
    if (error instanceof SignedOut) return;
    throw error;
  }
  let route = currentRoute();
  if (!openSections?.includes(route.view)) {
    // A section this role does not open (a shared link, the default): the first one it does.
    history.replaceState(null, '', `#/${openSections?.[0]}`);
    route = currentRoute();
  }
  const hash = location.hash || `#/${DEFAULT_SECTION}`;
  signInView.hidden = true;
  nav.hidden = false;
  signOutButton.hidden = false;
  for (const [name, section] of Object.entries(SECTIONS)) section.element().hidden = name !== route.view;
  markCurrentNav(route.view);

  if (shown.hash === hash && shown.complete) {
    SECTIONS[route.view].heading()?.focus();
    return;
  }
  shown = { hash, complete: false };
  main.setAttribute('aria-busy', 'true');
  try {
    const heading = await SECTIONS[route.view].show(route);
    if (shown.hash !== hash) return; // the person moved on while this loaded
    shown.complete = true;
    document.title = `${SECTIONS[route.view].title(route)} · Backorders console`;
    heading?.focus();
  } catch (error) {
    if (!(error instanceof SignedOut)) throw error;
  } finally {
    main.setAttribute('aria-busy', 'false');
  }
}

/** @param {string} view */
function markCurrentNav(view) {
  nav.querySelectorAll('a[data-view]').forEach((element) => {
    const link = /** @type {HTMLAnchorElement} */ (element);
    if (link.dataset.view === view) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  });
}

/** Asks before leaving an editor with unsaved changes; puts the old address back when the person stays. */
let previousHash = location.hash;
let restoringHash = false;
async function onHashChange() {
  if (restoringHash) {
    restoringHash = false;
    return;
  }
  const leaving = Object.values(SECTIONS).find((section) => section.hasUnsavedChanges?.());
  if (leaving && currentBearer()) {
    const stay = !(await confirmAction({
      title: 'Leave without saving?',
      text: 'Your changes to this campaign are not saved yet.',
      confirmLabel: 'Leave and discard changes',
      cancelLabel: 'Stay here',
    }));
    if (stay) {
      restoringHash = true;
      location.replace(previousHash || '#/');
      return;
    }
    leaving.discardChanges?.();
  }
  previousHash = location.hash;
  await showRoute();
}

// ---- sign-in ------------------------------------------------------------------------------------------

/** @param {string} [message] */
function showSignIn(message) {
  for (const section of Object.values(SECTIONS)) section.element().hidden = true;
  nav.hidden = true;
  signOutButton.hidden = true;
  signInView.hidden = false;
  document.title = 'Sign in · Backorders console';
  pendingChallenge = null;
  challengeForm.hidden = true;
  tokenForm.hidden = signInMode.mode !== 'token';
  passwordForm.hidden = signInMode.mode !== 'cognito';
  clearFieldErrors(signInView);
  if (message) showResult(signInMessage, 'error', message);
  else showResult(signInMessage);
  main.setAttribute('aria-busy', 'false');
  signInTitle.focus();
}

/** @param {string} token */
async function signedIn(token) {
  rememberBearer(token);
  openSections = null;
  showResult(signInMessage);
  tokenForm.reset();
  passwordForm.reset();
  challengeForm.reset();
  await showRoute();
}

tokenForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearFieldErrors(tokenForm);
  showResult(signInMessage);
  const input = control(tokenForm, 'token');
  const token = input.value.trim();
  if (!token) {
    setFieldError(tokenForm, 'token', 'Paste your console token.');
    input.focus();
    return;
  }
  const button = submitButton(tokenForm);
  button.disabled = true;
  try {
    // Who am I tells whether the token is right, before the console shows anything.
    await request('GET', '/api/admin/me', undefined, { headers: { Authorization: `Bearer ${token}` } });
    await signedIn(token);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setFieldError(
        tokenForm,
        'token',
        'This token was not accepted. Copy it again from the npm start output.',
      );
      input.focus();
    } else {
      showResult(
        signInMessage,
        'error',
        error instanceof NetworkError
          ? 'The server could not be reached. Is the platform running?'
          : 'Signing in failed. Try again in a moment.',
      );
    }
  } finally {
    button.disabled = false;
  }
});

passwordForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearFieldErrors(passwordForm);
  showResult(signInMessage);
  const username = control(passwordForm, 'username');
  const password = control(passwordForm, 'password');
  let invalid = null;
  if (!username.value.trim())
    invalid ??= setFieldError(passwordForm, 'username', 'Enter your email address.');
  if (!password.value) invalid ??= setFieldError(passwordForm, 'password', 'Enter your password.');
  if (invalid) {
    if (invalid !== true) invalid.focus();
    return;
  }
  // The form shows only in Cognito mode.
  const mode = signInMode;
  if (mode.mode !== 'cognito') return;
  await cognitoStep(passwordForm, () => signInWithPassword(mode, username.value.trim(), password.value));
});

challengeForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearFieldErrors(challengeForm);
  showResult(signInMessage);
  const answer = control(challengeForm, 'answer');
  if (!answer.value.trim()) {
    setFieldError(challengeForm, 'answer', 'This is required.');
    answer.focus();
    return;
  }
  const { challenge, session, username } = pendingChallenge;
  await cognitoStep(challengeForm, () =>
    answerChallenge(signInMode, challenge, session, username, answer.value.trim()),
  );
});

/**
 * @param {HTMLFormElement} form
 * @param {() => Promise<any>} call
 */
async function cognitoStep(form, call) {
  const button = submitButton(form);
  button.disabled = true;
  try {
    const step = await call();
    if (step.token) {
      await signedIn(step.token);
      return;
    }
    showChallenge(step);
  } catch (error) {
    if (!(error instanceof CognitoError)) throw error;
    showResult(signInMessage, 'error', error.message);
    if (form === passwordForm) {
      const password = control(passwordForm, 'password');
      password.value = '';
      password.focus();
    } else if (error.type === 'CodeMismatchException' || error.type === 'InvalidPasswordException') {
      control(challengeForm, 'answer').focus();
    } else if (error.type === 'NotAuthorizedException' && form === challengeForm) {
      // The challenge session expired (3 minutes): start again.
      pendingChallenge = null;
      challengeForm.hidden = true;
      passwordForm.hidden = false;
      control(passwordForm, 'password').focus();
    }
  } finally {
    button.disabled = false;
  }
}

/** @param {any} step */
function showChallenge(step) {
  pendingChallenge = step;
  passwordForm.hidden = true;
  challengeForm.hidden = false;
  challengeForm.reset();
  const input = control(challengeForm, 'answer');
  const intro = byId('challenge-intro');
  const label = byId('challenge-label');
  const hint = byId('challenge-hint');
  if (step.challenge === 'NEW_PASSWORD_REQUIRED') {
    intro.textContent = 'This is your first sign-in: choose your own password to replace the temporary one.';
    label.textContent = 'New password';
    hint.textContent = 'At least 12 characters, with upper- and lower-case letters, a digit and a symbol.';
    Object.assign(input, { type: 'password', autocomplete: 'new-password', inputMode: 'text' });
  } else {
    intro.textContent = 'Enter the 6-digit code from your authenticator app.';
    label.textContent = 'Code';
    hint.textContent = '';
    Object.assign(input, { type: 'text', autocomplete: 'one-time-code', inputMode: 'numeric' });
  }
  input.focus();
}

signOutButton.addEventListener('click', async () => {
  const editing = Object.values(SECTIONS).find((section) => section.hasUnsavedChanges?.());
  if (
    editing &&
    !(await confirmAction({
      title: 'Sign out without saving?',
      text: 'Your changes to this campaign are not saved yet.',
      confirmLabel: 'Sign out and discard changes',
      cancelLabel: 'Stay signed in',
    }))
  )
    return;
  editing?.discardChanges?.();
  forgetBearer();
  openSections = null;
  shown = { hash: null, complete: false };
  for (const section of Object.values(SECTIONS)) section.reset?.();
  showSignIn();
  showResult(signInMessage, 'success', 'You are signed out.');
});

whenSignedOut((message) => {
  openSections = null;
  showSignIn(message);
});

onQuietChange((hash) => {
  previousHash = hash;
  if (shown.complete) shown.hash = hash;
});

window.addEventListener('beforeunload', (event) => {
  if (Object.values(SECTIONS).some((section) => section.hasUnsavedChanges?.())) event.preventDefault();
});

// ---- start --------------------------------------------------------------------------------------------

async function start() {
  signInMode = await loadSignInMode();
  byId('booting').hidden = true;
  window.addEventListener('hashchange', onHashChange);
  if (!location.hash) history.replaceState(null, '', `#/${DEFAULT_SECTION}`);
  previousHash = location.hash;
  if (currentBearer()) await showRoute();
  else showSignIn();
}

start();
