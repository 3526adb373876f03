// @ts-check
/**
 * The console's address: "#/campaigns/spring-sale?x=1" names a section, its sub-page and its query. One
 * place reads it, and one place changes it quietly (after creating something, the address takes its id
 * without reloading the screen).
 */

export const SECTION_NAMES = [
  'settings',
  'products',
  'campaigns',
  'suppliers',
  'lookup',
  'webhooks',
  'dashboard',
  'embed',
];
export const DEFAULT_SECTION = 'settings';

/** @returns {{view:string, parts:string[], query:URLSearchParams}} */
export function currentRoute() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [pathPart, queryPart = ''] = raw.split('?');
  const parts = pathPart
    .split('/')
    .filter(Boolean)
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    });
  const view = parts.shift();
  return {
    view: view && SECTION_NAMES.includes(view) ? view : DEFAULT_SECTION,
    parts,
    query: new URLSearchParams(queryPart),
  };
}

const listeners = [];

/** main.js learns of quiet address changes, to keep its idea of what is shown in step. */
export function onQuietChange(listener) {
  listeners.push(listener);
}

/** Changes the address without a hashchange (no reload of the screen, no new history entry). */
export function replaceHash(hash) {
  history.replaceState(history.state, '', hash);
  for (const listener of listeners) listener(hash);
}
