/**
 * The store connectors' pure rules (docs/connectors.md): each store's signature on the raw bytes, its body
 * read as the store documents it, WooCommerce's ping, what makes a delivery a repeat, when a figure is news,
 * and the settings body that sets, keeps or removes a store's secret.
 */
import { createHmac } from 'node:crypto';
import { connectorSecretChanges, connectorsView, settingsInputSchema } from '../../lambdas/domain/connectors';
import {
  acceptedReason,
  decideStoreStock,
  deliveryKey,
  headerText,
  isWooCommercePing,
  readShopifyProduct,
  readWooCommerceProduct,
  storeSignature,
  verifyStoreSignature,
} from '../../lambdas/domain/store-webhooks';
import { ValidationError } from '../../lambdas/runtime/errors';
import { phpJson, shopifyProduct, wooCommerceProduct } from '../support/store-webhooks';

const SECRET = 'a3f1c0de5b7e49a8b2d6c4e8f0a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7';

describe('the stores’ signature: base64 HMAC-SHA256 of the raw body', () => {
  const body = Buffer.from(JSON.stringify(shopifyProduct([{ sku: 'TEE-M', quantity: 4 }])), 'utf8');
  // Computed apart from the module under test, as a store computes it.
  const signed = createHmac('sha256', SECRET).update(body).digest('base64');

  test('the store’s own header is valid; the helper tests sign with computes the same', () => {
    expect(verifyStoreSignature(SECRET, signed, body)).toBe('valid');
    expect(storeSignature(SECRET, body)).toBe(signed);
    expect(verifyStoreSignature(SECRET, ` ${signed} `, body)).toBe('valid');
  });

  test('any changed byte, another secret, or another encoding of the same JSON is a mismatch', () => {
    const changed = Buffer.from(body);
    changed[changed.length - 2] ^= 1;
    expect(verifyStoreSignature(SECRET, signed, changed)).toBe('mismatch');
    expect(verifyStoreSignature(`${SECRET}x`, signed, body)).toBe('mismatch');
    const reencoded = Buffer.from(phpJson(JSON.parse(body.toString('utf8'))), 'utf8');
    expect(reencoded.equals(body)).toBe(false);
    expect(verifyStoreSignature(SECRET, signed, reencoded)).toBe('mismatch');
  });

  test('another spelling of the same digest (the spare bits of the last character) is no signature', () => {
    const last = signed.at(-2)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1];
    const respelled = `${signed.slice(0, -2)}${sibling}=`;
    expect(Buffer.from(respelled, 'base64').equals(Buffer.from(signed, 'base64'))).toBe(true);
    expect(verifyStoreSignature(SECRET, respelled, body)).toBe('mismatch');
  });

  test.each([
    ['no header', 'missing', undefined],
    ['an empty header', 'missing', ''],
    ['hex instead of base64', 'malformed', createHmac('sha256', SECRET).update(body).digest('hex')],
    ['a truncated digest', 'malformed', signed.slice(0, 40)],
    ['base64 of another length', 'malformed', Buffer.alloc(20).toString('base64')],
    ['the ERP’s X-Signature format', 'malformed', `t=1,v1=${'a'.repeat(64)}`],
  ])('%s → %s', (_label, verdict, header) => {
    expect(verifyStoreSignature(SECRET, header, body)).toBe(verdict);
  });
});

describe('WooCommerce’s ping', () => {
  test.each([
    ['webhook_id=3', true],
    ['webhook_id=12345678901234567890', true],
    ['webhook_id=', false],
    ['webhook_id=3&sku=X', false],
    ['{"webhook_id":3}', false],
    ['webhook_id=3\n', false],
  ])('%j is a ping: %s', (text, ping) => {
    expect(isWooCommercePing(Buffer.from(text))).toBe(ping);
  });
});

describe('a Shopify products/update body', () => {
  const read = (payload: unknown) => readShopifyProduct(Buffer.from(JSON.stringify(payload)));

  test('each variant’s SKU and inventory_quantity; the product’s updated_at orders deliveries', () => {
    const report = read(
      shopifyProduct(
        [
          { sku: 'TEE-S', quantity: 0 },
          { sku: 'TEE-M', quantity: 12 },
          { sku: 'TEE-L', quantity: -3 },
        ],
        { updatedAt: '2026-03-02T10:15:00-05:00' },
      ),
    );
    expect(report.figures).toEqual([
      { sku: 'TEE-S', available: 0 },
      { sku: 'TEE-M', available: 12 },
      { sku: 'TEE-L', available: 0 },
    ]);
    expect(report.sourceAt).toBe(Date.parse('2026-03-02T15:15:00Z'));
  });

  test('variants without a SKU or without tracked stock, foreign and ambiguous SKUs are left aside', () => {
    const report = read(
      shopifyProduct([
        { sku: null, quantity: 5 },
        { sku: '', quantity: 5 },
        { sku: 'TEE-XL', quantity: null },
        { sku: 'tee with spaces', quantity: 2 },
        { sku: 'TEE-TWICE', quantity: 1 },
        { sku: 'TEE-TWICE', quantity: 2 },
        { sku: 'TEE-SAME', quantity: 3 },
        { sku: ' TEE-SAME ', quantity: 3 },
      ]),
    );
    expect(report).toMatchObject({
      figures: [{ sku: 'TEE-SAME', available: 3 }],
      withoutSku: 2,
      withoutQuantity: 1,
      foreign: ['tee with spaces'],
      ambiguous: ['TEE-TWICE'],
    });
  });

  test('a variant without the quantity field at all (include_fields) counts as untracked', () => {
    const report = read({ id: 1, variants: [{ id: 2, sku: 'TEE-M' }] });
    expect(report).toMatchObject({ figures: [], withoutQuantity: 1 });
    expect(report.sourceAt).toBeUndefined();
  });

  test.each<[string, string]>([
    ['not JSON', '<xml/>'],
    ['invalid UTF-8', '\u00ff'],
    ['an array', '[]'],
    ['an order, not a product', JSON.stringify({ id: 1, line_items: [] })],
    ['variants not a list', JSON.stringify({ id: 1, variants: {} })],
    ['a quantity as text', JSON.stringify({ id: 1, variants: [{ sku: 'A', inventory_quantity: '5' }] })],
    ['a SKU as a number', JSON.stringify({ id: 1, variants: [{ sku: 5, inventory_quantity: 5 }] })],
    ['too many variants', JSON.stringify({ id: 1, variants: Array.from({ length: 2049 }, () => ({})) })],
  ])('%s → a validation error', (_label, text) => {
    const bytes = _label === 'invalid UTF-8' ? Buffer.from([0xff, 0xfe, 0x7b]) : Buffer.from(text);
    expect(() => readShopifyProduct(bytes)).toThrow(ValidationError);
  });
});

describe('a WooCommerce product.updated body', () => {
  const read = (payload: unknown) => readWooCommerceProduct(Buffer.from(phpJson(payload)));

  test('its SKU and stock_quantity; date_modified_gmt is read as UTC', () => {
    const report = read(wooCommerceProduct('TEE-M', 7, { modifiedGmt: '2026-03-02T15:15:00' }));
    expect(report.figures).toEqual([{ sku: 'TEE-M', available: 7 }]);
    expect(report.sourceAt).toBe(Date.parse('2026-03-02T15:15:00Z'));
  });

  test('a variation arrives as its own product; negative stock (oversold) is 0', () => {
    const report = read(wooCommerceProduct('TEE-M-BLUE', -2, { type: 'variation' }));
    expect(report.figures).toEqual([{ sku: 'TEE-M-BLUE', available: 0 }]);
  });

  test('stock not managed (null) or no SKU: nothing to set', () => {
    expect(read(wooCommerceProduct('TEE-M', null))).toMatchObject({ figures: [], withoutQuantity: 1 });
    expect(read(wooCommerceProduct('', 4))).toMatchObject({ figures: [], withoutSku: 1 });
  });

  test.each<[string, unknown]>([
    ['an order', { id: 1, line_items: [], status: 'processing' }],
    ['a product without stock_quantity', { id: 1, sku: 'A' }],
    ['a deleted product (id only)', { id: 1 }],
  ])('%s → a validation error', (_label, payload) => {
    expect(() => read(payload)).toThrow(ValidationError);
  });
});

describe('what makes a delivery a repeat', () => {
  const body = Buffer.from('{"id":1}');
  const other = Buffer.from('{"id":2}');

  test('Shopify: its webhook id, whatever the body', () => {
    expect(deliveryKey('shopify', 'b54557e4', body)).toBe('b54557e4');
    expect(deliveryKey('shopify', 'b54557e4', other)).toBe('b54557e4');
  });

  test('WooCommerce: its delivery id is per webhook and second, so the body counts too', () => {
    const id = '36e520ebabc2fa725092ff4a47acedf2';
    expect(deliveryKey('woocommerce', id, body)).toBe(deliveryKey('woocommerce', id, body));
    expect(deliveryKey('woocommerce', id, body)).not.toBe(deliveryKey('woocommerce', id, other));
  });

  test('without an id header, the body alone', () => {
    expect(deliveryKey('shopify', null, body)).toMatch(/^body-[0-9a-f]{64}$/);
    expect(deliveryKey('shopify', null, body)).not.toBe(deliveryKey('shopify', null, other));
  });

  test('header values are kept only as printable text of at most 100 characters', () => {
    expect(headerText(' abc ')).toBe('abc');
    expect(headerText('a\u0000b')).toBeNull();
    expect(headerText('é')).toBeNull();
    expect(headerText('x'.repeat(101))).toBeNull();
    expect(headerText(undefined)).toBeNull();
  });
});

describe('when a store’s figure is news', () => {
  test.each<[string, string, Parameters<typeof decideStoreStock>]>([
    ['the first figure', 'set', [undefined, 5, 1000]],
    ['the first figure, without a time', 'set', [undefined, 5, undefined]],
    ['a new figure, later', 'set', [{ figure: 5, at: 1000 }, 3, 2000]],
    ['a new figure, same moment', 'set', [{ figure: 5, at: 1000 }, 3, 1000]],
    ['the same figure again (a title edited)', 'unchanged', [{ figure: 5, at: 1000 }, 5, 2000]],
    ['an older state arriving late', 'stale', [{ figure: 3, at: 2000 }, 5, 1000]],
    ['a figure without a time after a timed one', 'set', [{ figure: 3, at: 2000 }, 5, undefined]],
    ['a timed figure after one without', 'set', [{ figure: 3 }, 5, 1000]],
  ])('%s → %s', (_label, decision, args) => {
    expect(decideStoreStock(...args)).toBe(decision);
  });

  test('the record says what was done in words', () => {
    const report = {
      figures: [],
      withoutSku: 1,
      withoutQuantity: 2,
      foreign: ['x y'],
      ambiguous: [],
    };
    expect(
      acceptedReason(
        { set: ['A', 'B'], duplicate: [], unchanged: ['C'], stale: [], unknown: ['D', 'E'] },
        report,
      ),
    ).toBe(
      '2 SKUs set, 1 SKU unchanged, 3 unknown SKUs ignored, 1 entry without a SKU ignored, ' +
        '2 SKUs without a stock quantity (not tracked) ignored',
    );
    expect(
      acceptedReason(
        { set: [], duplicate: [], unchanged: [], stale: [], unknown: ['D'] },
        { ...report, withoutSku: 0, withoutQuantity: 0, foreign: [] },
      ),
    ).toBe('nothing set, 1 unknown SKU ignored');
  });
});

describe('the connectors in a settings PUT', () => {
  const site = {
    backorders: { enabled: true, segments: ['b2c'] },
    doubleOptIn: true,
    sender: { from: 'shop@corner.example', postalAddress: '1 Corner Street' },
  };
  const parse = (connectors: unknown) =>
    settingsInputSchema.safeParse(connectors === undefined ? site : { ...site, connectors });

  test('a secret sets it, null removes it, anything else keeps what is stored', () => {
    const body = parse({ shopify: { secret: SECRET }, woocommerce: null });
    expect(body.success).toBe(true);
    expect(connectorSecretChanges(body.data!.connectors)).toEqual({
      shopify: { secret: SECRET },
      woocommerce: null,
    });
    for (const keeps of [undefined, {}, { shopify: {} }, { shopify: { configured: true } }]) {
      const parsed = parse(keeps);
      expect(parsed.success).toBe(true);
      expect(connectorSecretChanges(parsed.data!.connectors)).toEqual({});
    }
  });

  test('what GET shows can be sent back as it is', () => {
    const shown = { ...site, connectors: connectorsView({ shopify: SECRET }) };
    expect(shown.connectors).toEqual({ shopify: { configured: true }, woocommerce: { configured: false } });
    expect(settingsInputSchema.safeParse(shown).success).toBe(true);
  });

  test('a secret is kept exactly as typed (WooCommerce’s may end in a space)', () => {
    const secret = ' -_ []{}<>~`+=,.;:/?|abcdefgh ';
    expect(connectorSecretChanges(parse({ woocommerce: { secret } }).data!.connectors)).toEqual({
      woocommerce: { secret },
    });
  });

  test.each<[string, unknown, string]>([
    ['a short secret', { shopify: { secret: 'hush' } }, 'connectors.shopify.secret'],
    ['a secret of 257 characters', { shopify: { secret: 'x'.repeat(257) } }, 'connectors.shopify.secret'],
    [
      'a control character',
      { woocommerce: { secret: `${'x'.repeat(20)}\n` } },
      'connectors.woocommerce.secret',
    ],
    ['an unknown store', { magento: { secret: SECRET } }, 'connectors'],
    ['an unknown field', { shopify: { secret: SECRET, topic: 'x' } }, 'connectors.shopify'],
    ['a secret that is not text', { shopify: { secret: 1234567890123456 } }, 'connectors.shopify.secret'],
  ])('%s is refused', (_label, connectors, path) => {
    const parsed = parse(connectors);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0].path.join('.')).toBe(path);
  });
});
