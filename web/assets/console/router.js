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
  'connectors',
  'dashboard',
  'embed',
  'api-keys',
];
export const DEFAULT_SECTION = 'settings';

/**
 * The admin route a section cannot work without (lib/access.ts decides who may call it): the console shows a
 * section only to those `GET /api/admin/me` says may call it. Display only: the API checks every request.
 * @type {Record<string, string>}
 */
export const SECTION_NEEDS = {
  settings: 'PUT /api/admin/settings',
  products: 'PUT /api/admin/products/{sku}',
  campaigns: 'GET /api/admin/campaigns',
  suppliers: 'GET /api/admin/suppliers',
  lookup: 'GET /api/admin/backorders',
  webhooks: 'GET /api/admin/webhooks',
  connectors: 'GET /api/admin/connectors/{connector}/deliveries',
  dashboard: 'GET /api/admin/stats',
  // The snippet for the shop's pages: for whoever looks after the catalogue.
  embed: 'PUT /api/admin/products/{sku}',
  'api-keys': 'GET /api/admin/api-keys',
};

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
