// @ts-check
/**
 * Store connectors (docs/connectors.md): for Shopify and WooCommerce, the webhook URL to paste into the
 * store's admin and the topic to subscribe, whether the store's signing secret is set, a form that sets or
 * replaces it (saved with the site settings, the one route that holds it; the secret is never shown
 * again), and the store's last deliveries, accepted or refused and why.
 *
 * Each store's panel is a copy of one piece of the page (#connector-store), put on the page here and
 * filled from STORES.
 */
import { admin, describeFailure, segment, SignedOut } from './admin.js';
import { byId, confirmAction, control, fromTemplate, h, showResult, whileBusy } from './dom.js';
import { wireFormSave } from './form-save.js';
import { appendRows, badge, cell, rowHeading } from './cards.js';
import { counted, itemsOf } from './section.js';
import { formatMoment } from '../format.js';

/**
 * What differs between the stores: the webhook's topic, the three steps of setting it up in the store's
 * admin (**strong** marks the store's own words), and where the secret comes from.
 */
const STORES = [
  {
    id: 'shopify',
    name: 'Shopify',
    topic: 'Product update',
    createStep:
      "In Shopify's admin, open **Settings → Notifications → Webhooks** and choose **Create webhook**.",
    eventStep: 'Event **Product update**, format **JSON**, the URL below, the latest API version. Save.',
    secretStep:
      'Under the list of webhooks Shopify says “Your webhooks will be signed with …”: paste that secret ' +
      "here. (A Shopify app's webhooks are signed with the app's client secret instead.)",
    secretHint: 'The 64 characters Shopify shows under its webhooks. Never shown again once saved.',
  },
  {
    id: 'woocommerce',
    name: 'WooCommerce',
    topic: 'Product updated',
    createStep:
      'In WordPress, open **WooCommerce → Settings → Advanced → Webhooks** and choose **Add webhook**.',
    eventStep:
      'Status **Active**, topic **Product updated**, the URL below as delivery URL, API version ' +
      '**WP REST API Integration v3**.',
    secretStep:
      'Copy the **Secret** WooCommerce filled in (or type one of at least 16 characters there), paste it ' +
      'here and save it here first; then save the webhook in WooCommerce. Its test ping shows below.',
    secretHint: 'Exactly as in WooCommerce, spaces included. Never shown again once saved.',
  },
];

/** @type {Record<string, {text: string, kind: string}>} */
const OUTCOMES = {
  accepted: { text: 'Accepted', kind: 'on' },
  duplicate: { text: 'Duplicate', kind: 'neutral' },
  ignored: { text: 'Ignored', kind: 'neutral' },
  ping: { text: 'Test ping', kind: 'done' },
  refused: { text: 'Refused', kind: 'off' },
};
const COLUMNS = ['Received', 'Outcome', 'What happened', 'Delivery'];

const view = byId('view-connectors');
const headingElement = byId('connectors-title');
const loadResult = byId('connectors-load');

export const element = () => view;
export const heading = () => headingElement;
export const title = () => 'Store connectors';

/**
 * One store's part of the page: its panel, put on the page before anything looks for its parts.
 * @param {(typeof STORES)[number]} store
 */
function storePanel(store) {
  const { id, ...texts } = store;
  view.append(fromTemplate('connector-store', { store: id, ...texts }));
  const part = (/** @type {string} */ name) => byId(`connector-${store.id}-${name}`);
  const form = byId(`connector-${store.id}-form`, window.HTMLFormElement);
  const secret = control(form, 'secret');
  const result = part('result');
  const disconnectButton = byId(`connector-${store.id}-disconnect`, window.HTMLButtonElement);
  const deliveries = part('deliveries');
  const deliveriesResult = part('deliveries-result');
  const url = byId(`connector-${store.id}-url`, window.HTMLInputElement);
  const copyButton = byId(`connector-${store.id}-copy`, window.HTMLButtonElement);

  copyButton.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(url.value);
      showResult(result, 'success', 'Webhook URL copied.');
    } catch {
      // No clipboard access: the address is selected to copy by hand.
      url.focus();
      url.select();
      showResult(result, 'info', 'Copying was not allowed: the URL is selected, press Ctrl+C (⌘C).');
    }
  });

  /** @param {boolean} configured */
  const showConfigured = (configured) => {
    part('state').replaceChildren(
      configured ? badge('on', 'Connected') : badge('off', 'Not connected: no secret set'),
    );
    disconnectButton.hidden = !configured;
    byId(`connector-${store.id}-secret-label`).textContent = configured
      ? 'Replace the store secret'
      : 'Store secret';
  };

  /**
   * Saves `connectors.<store>` through the settings route, with the site settings as they are now (read
   * just before, so a concurrent edit of the settings is not undone by a stale copy).
   * @param {{secret: string}|null} change
   */
  const saveConnector = async (change) => {
    const { connectors: _shown, ...site } = (await admin('GET', '/api/admin/settings')).body;
    return (await admin('PUT', '/api/admin/settings', { ...site, connectors: { [store.id]: change } })).body;
  };

  wireFormSave({
    form,
    result,
    saveButton: byId(`connector-${store.id}-save`, window.HTMLButtonElement),
    failure: 'The secret was not saved.',
    read: () => {
      // Exactly as typed: a store's generated secret may begin or end with a space.
      const value = secret.value;
      const path = `connectors.${store.id}.secret`;
      if (!value.trim())
        return { value, problems: [{ path, message: `Paste the secret ${store.name} shows.` }] };
      return { value, problems: [] };
    },
    save: (value) => saveConnector({ secret: value }),
    onSaved: (answer) => {
      form.reset();
      showConfigured(answer?.connectors?.[store.id]?.configured === true);
      showResult(result, 'success', `${store.name} connected: its deliveries are read with this secret now.`);
    },
  });

  disconnectButton.addEventListener('click', async () => {
    const sure = await confirmAction({
      title: `Disconnect ${store.name}?`,
      text: `The secret is removed: ${store.name}'s deliveries are refused until a secret is saved again.`,
      confirmLabel: 'Disconnect',
      cancelLabel: 'Keep it connected',
    });
    if (!sure) return;
    await whileBusy(disconnectButton, 'Disconnecting…', async () => {
      try {
        const answer = await saveConnector(null);
        showConfigured(answer?.connectors?.[store.id]?.configured === true);
        showResult(result, 'success', `${store.name} disconnected.`);
      } catch (error) {
        if (error instanceof SignedOut) throw error;
        showResult(result, 'error', `${store.name} was not disconnected. ${describeFailure(error)}`);
      }
    });
  });

  const loadDeliveries = async () => {
    showResult(deliveriesResult, 'info', 'Loading deliveries…');
    try {
      const { body } = await admin('GET', `/api/admin/connectors/${segment(store.id)}/deliveries`);
      const items = itemsOf(body);
      deliveries.replaceChildren();
      if (items.length) appendRows(deliveries, `${store.name} deliveries`, COLUMNS, items.map(deliveryRow));
      showResult(
        deliveriesResult,
        'info',
        items.length === 0
          ? `No deliveries yet. They appear here once ${store.name} sends its first.`
          : `${counted(items.length, 'delivery', 'deliveries')} received lately, newest first.`,
      );
    } catch (error) {
      if (error instanceof SignedOut) throw error;
      showResult(deliveriesResult, 'error', `Deliveries could not be loaded. ${describeFailure(error)}`);
    }
  };

  const refreshButton = byId(`connector-${store.id}-refresh`, window.HTMLButtonElement);
  refreshButton.addEventListener('click', () =>
    whileBusy(refreshButton, 'Refreshing…', loadDeliveries).catch((error) => {
      if (!(error instanceof SignedOut)) throw error;
    }),
  );

  return {
    /**
     * @param {any} settings
     * @param {string} base the site's address, for the webhook URL
     */
    show: async (settings, base) => {
      url.value = new URL(`/api/webhooks/${store.id}`, base).href;
      showConfigured(settings?.connectors?.[store.id]?.configured === true);
      showResult(result);
      form.reset();
      await loadDeliveries();
    },
    reset: () => {
      form.reset();
      deliveries.replaceChildren();
    },
  };
}

/** @param {any} delivery */
function deliveryRow(delivery) {
  const outcome = OUTCOMES[delivery.outcome] ?? { text: String(delivery.outcome ?? ''), kind: 'neutral' };
  const times = Number(delivery.count) > 1 ? ` (${delivery.count} times that minute)` : '';
  return h(
    'tr',
    {},
    rowHeading('Received', formatMoment(delivery.receivedAt) ?? '—'),
    cell('Outcome', badge(outcome.kind, outcome.text), ` HTTP ${delivery.status}`),
    cell(
      'What happened',
      `${delivery.reason ?? ''}${times}`,
      Array.isArray(delivery.skus) && delivery.skus.length
        ? h('p', { className: 'muted' }, h('span', { className: 'mono' }, delivery.skus.join(', ')))
        : null,
    ),
    cell(
      'Delivery',
      delivery.topic ? h('div', {}, delivery.topic) : null,
      h('small', { className: 'mono' }, delivery.deliveryId ?? '—'),
    ),
  );
}

const panels = STORES.map(storePanel);

export async function show() {
  showResult(loadResult, 'info', 'Loading the connectors…');
  try {
    const { body: settings } = await admin('GET', '/api/admin/settings');
    showResult(loadResult);
    // The API shares the pages' address: the one the shop set, or this console's own.
    const base = settings?.publicBaseUrl || location.origin;
    await Promise.all(panels.map((panel) => panel.show(settings, base)));
  } catch (error) {
    if (error instanceof SignedOut) throw error;
    showResult(loadResult, 'error', `The connectors could not be loaded. ${describeFailure(error)}`);
  }
  return headingElement;
}

/** Forgets what was shown (signing out). */
export function reset() {
  for (const panel of panels) panel.reset();
}
