// @ts-check
/**
 * Calls to /api/admin/* with the signed-in person's bearer token. A 401 (token wrong, revoked or expired)
 * ends the session: the console goes back to sign-in with a message, and the caller gets a SignedOut error
 * to stop what it was doing without showing an error of its own.
 */
import { ApiError, NetworkError, request } from '../api.js';
import { currentBearer, forgetBearer } from './auth.js';

export { ApiError, NetworkError };

export class SignedOut extends Error {
  constructor() {
    super('The session ended.');
    this.name = 'SignedOut';
  }
}

/** @type {(message: string) => void} */
let onSignedOut = () => {};

/**
 * main.js says what happens when the session ends (show sign-in with a message).
 * @param {(message: string) => void} listener
 */
export function whenSignedOut(listener) {
  onSignedOut = listener;
}

/**
 * @param {'GET'|'POST'|'PUT'|'DELETE'} method
 * @param {string} path
 * @param {unknown} [body]
 * @param {{contentType?: string}} [options] a body that is not JSON (a CSV file), sent as it is
 * @returns {Promise<{status:number, body:any}>}
 */
export async function admin(method, path, body, options = {}) {
  const bearer = currentBearer();
  if (!bearer) {
    onSignedOut('Your session has ended. Sign in again to continue.');
    throw new SignedOut();
  }
  try {
    return await request(method, path, body, { ...options, headers: { Authorization: `Bearer ${bearer}` } });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      forgetBearer();
      onSignedOut('Your session has ended or the token was not accepted. Sign in again to continue.');
      throw new SignedOut();
    }
    throw error;
  }
}

/**
 * Downloads a file from an admin route (a supplier batch's CSV). A plain link cannot carry the bearer token,
 * so the file is fetched with it and handed to the browser as a download, named as the server says. The
 * same 401 rule as admin(); other failures throw ApiError or NetworkError. Resolves to the file's name.
 * @param {string} path
 * @param {string} fallbackName
 * @returns {Promise<string>}
 */
export async function downloadAdminFile(path, fallbackName) {
  const bearer = currentBearer();
  if (!bearer) {
    onSignedOut('Your session has ended. Sign in again to continue.');
    throw new SignedOut();
  }
  let response;
  let blob;
  try {
    response = await fetch(path, {
      headers: { Authorization: `Bearer ${bearer}` },
      credentials: 'same-origin',
      cache: 'no-store',
    });
    blob = await response.blob();
  } catch (cause) {
    throw new NetworkError(cause);
  }
  if (response.status === 401) {
    forgetBearer();
    onSignedOut('Your session has ended or the token was not accepted. Sign in again to continue.');
    throw new SignedOut();
  }
  if (!response.ok) {
    let error = {};
    try {
      error = JSON.parse(await blob.text()).error ?? {};
    } catch {
      // Not the contract's shape: the status says enough.
    }
    throw new ApiError({
      status: response.status,
      code: typeof error.code === 'string' ? error.code : `HTTP_${response.status}`,
      message: typeof error.message === 'string' ? error.message : 'The download failed.',
      details: [],
      retryAfterSeconds: null,
    });
  }
  const name =
    /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Long enough for the browser to have taken the file.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}

/** Path segment for an id or SKU typed by a person. */
export const segment = (value) => encodeURIComponent(value);

/**
 * What to tell a person when a request failed for a reason other than their input.
 * @param {unknown} error
 */
export function describeFailure(error) {
  if (error instanceof NetworkError)
    return 'The server could not be reached. Check your connection and try again.';
  if (error instanceof ApiError) {
    if (error.code === 'PAYLOAD_TOO_LARGE')
      return 'This is too large to save (the limit is 16 KiB). Shorten it.';
    if (error.code === 'FORBIDDEN') return 'Your account is not allowed to do this.';
    if (error.status >= 500) return 'Something went wrong on the server. Try again in a moment.';
    return error.message;
  }
  return 'Something unexpected went wrong. Reload the page and try again.';
}
