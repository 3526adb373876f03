/**
 * Products: what the landing page learns about one (GET /api/products/{sku}) and how the console saves and
 * reads them (PUT/GET /api/admin/products/{sku}, GET /api/admin/products) — docs/api.md, docs/signup.md "Who may
 * backorder". Site settings stay at their defaults here (open to everyone); the site-wide policy is covered in
 * site-settings.test.ts.
 */
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { expectError, newProduct, uniqueSku, type ProductBody } from './helpers';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => platform?.stop());

const productPage = (sku: string) => platform.request('GET', `/api/products/${encodeURIComponent(sku)}`);

describe('GET /api/products/{sku}', () => {
  test('answers exactly the landing page fields for a product that follows the site policy', async () => {
    const sku = await newProduct(platform, 'page-default', {
      name: 'Linen shirt',
      expectedRestockDate: '2027-03-15',
    });
    const response = await productPage(sku);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.body).toEqual({
      sku,
      name: 'Linen shirt',
      productId: null,
      options: {},
      backordersEnabled: true,
      segments: ['b2c', 'b2b'],
      expectedRestockDate: '2027-03-15',
      maxPerCustomer: 10,
      // Without a product id, the SKU is its own only variant.
      variants: [{ sku, name: 'Linen shirt', options: {}, backordersEnabled: true }],
    });
  });

  test('a product without a restock date answers expectedRestockDate null', async () => {
    const sku = await newProduct(platform, 'page-nodate');
    const response = await productPage(sku);
    expect(response.status).toBe(200);
    expect(response.body.expectedRestockDate).toBeNull();
  });

  test("a product's own policy wins: its segments and its maxPerCustomer", async () => {
    const sku = await newProduct(platform, 'page-b2b', {
      name: 'Pallet of bricks',
      backorders: { enabled: true, segments: ['b2b'], maxPerCustomer: 500 },
    });
    const response = await productPage(sku);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      sku,
      name: 'Pallet of bricks',
      productId: null,
      options: {},
      backordersEnabled: true,
      segments: ['b2b'],
      expectedRestockDate: null,
      maxPerCustomer: 500,
      variants: [{ sku, name: 'Pallet of bricks', options: {}, backordersEnabled: true }],
    });
  });

  test('a product of its own enabled without a maxPerCustomer gets the default 10', async () => {
    const sku = await newProduct(platform, 'page-own-default', { backorders: { enabled: true } });
    const response = await productPage(sku);
    expect(response.body).toMatchObject({
      backordersEnabled: true,
      segments: ['b2c', 'b2b'],
      maxPerCustomer: 10,
    });
  });

  test('a product with backorders disabled (the one-of-a-kind antique) says so', async () => {
    const sku = await newProduct(platform, 'page-antique', {
      name: 'Antique clock',
      backorders: { enabled: false },
    });
    const response = await productPage(sku);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ sku, name: 'Antique clock', backordersEnabled: false });
    expect(Object.keys(response.body).sort()).toEqual(
      [
        'backordersEnabled',
        'expectedRestockDate',
        'maxPerCustomer',
        'name',
        'options',
        'productId',
        'segments',
        'sku',
        'variants',
      ].sort(),
    );
  });

  test('the page reflects a change of the product policy at once', async () => {
    const sku = await newProduct(platform, 'page-change');
    expect((await productPage(sku)).body.backordersEnabled).toBe(true);
    await platform.admin('PUT', `/api/admin/products/${sku}`, {
      name: 'Closed now',
      backorders: { enabled: false },
    });
    expect((await productPage(sku)).body).toMatchObject({ name: 'Closed now', backordersEnabled: false });
  });

  test('an unknown product is 404 NOT_FOUND', async () => {
    expectError(await productPage(uniqueSku('page-unknown')), 404, 'NOT_FOUND');
  });

  test('a SKU that could never exist is 404 NOT_FOUND too, not a validation error or a 500', async () => {
    for (const sku of ['with space', 'ünïcødé', 'a'.repeat(300), '.dot-first', "quote'"]) {
      expectError(await productPage(sku), 404, 'NOT_FOUND');
    }
  });
});

const put = (sku: string, body: unknown) =>
  platform.admin('PUT', `/api/admin/products/${encodeURIComponent(sku)}`, body);
const get = (sku: string) => platform.admin('GET', `/api/admin/products/${encodeURIComponent(sku)}`);

describe('variants: products sharing a productId', () => {
  const byProduct = (productId: string) =>
    platform.request('GET', `/api/products/by-product/${encodeURIComponent(productId)}`);

  test('each variant lists them all, by SKU, with its options and whether it takes backorders', async () => {
    const productId = uniqueSku('TEE');
    const variant = (size: string, colour: string, body: Partial<ProductBody> = {}) =>
      newProduct(platform, `${productId}-${size}-${colour}`, {
        name: `Tee ${size} ${colour}`,
        productId,
        options: { size, colour },
        ...body,
      });
    const blueM = await variant('M', 'Blue');
    const redL = await variant('L', 'Red', { backorders: { enabled: false } });
    const blueS = await variant('S', 'Blue');
    const expected = [
      { sku: blueM, name: 'Tee M Blue', options: { size: 'M', colour: 'Blue' }, backordersEnabled: true },
      { sku: redL, name: 'Tee L Red', options: { size: 'L', colour: 'Red' }, backordersEnabled: false },
      { sku: blueS, name: 'Tee S Blue', options: { size: 'S', colour: 'Blue' }, backordersEnabled: true },
    ].sort((a, b) => a.sku.localeCompare(b.sku));

    const page = await productPage(blueM);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ sku: blueM, productId, options: { size: 'M', colour: 'Blue' } });
    expect(page.body.variants).toEqual(expected);
    // The closed variant's own page says it is closed, and still offers the others.
    expect((await productPage(redL)).body).toMatchObject({ backordersEnabled: false, variants: expected });

    const listed = await byProduct(productId);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({ productId, variants: expected });

    // A variant moved to another product leaves this one.
    await platform.admin('PUT', `/api/admin/products/${blueS}`, {
      name: 'Tee S Blue',
      productId: 'OTHER-TEE',
    });
    expect((await byProduct(productId)).body.variants.map((v: { sku: string }) => v.sku)).toEqual(
      expected.map((v) => v.sku).filter((sku) => sku !== blueS),
    );
  });

  test('the console reads back productId and options; PUT without them removes them', async () => {
    const sku = await newProduct(platform, 'variant-edit', {
      name: 'Mug',
      productId: 'MUG',
      options: { colour: 'Grün' },
    });
    expect((await platform.admin('GET', `/api/admin/products/${sku}`)).body).toMatchObject({
      productId: 'MUG',
      options: { colour: 'Grün' },
    });
    await platform.admin('PUT', `/api/admin/products/${sku}`, { name: 'Mug' });
    const read = (await platform.admin('GET', `/api/admin/products/${sku}`)).body;
    expect(read.productId).toBeUndefined();
    expect(read.options).toBeUndefined();
    expect((await productPage(sku)).body).toMatchObject({ productId: null, options: {} });
  });

  test('an unknown product id, or one that could never exist, is 404 NOT_FOUND', async () => {
    for (const productId of [uniqueSku('no-such-product'), 'with space', 'a'.repeat(300), '.dot']) {
      expectError(await byProduct(productId), 404, 'NOT_FOUND');
    }
  });
});

describe('PUT /api/admin/products/{sku}', () => {
  test('a new product → 201, the same SKU again → 200 with the new values; GET reads it', async () => {
    const sku = uniqueSku('prod-new');
    const body = {
      name: 'Rain jacket',
      stock: 0,
      supplierId: 'SUP-1',
      expectedRestockDate: '2027-01-31',
      backorders: { enabled: true, segments: ['b2c'], maxPerCustomer: 4 },
    };
    const created = await put(sku, body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ sku, ...body });

    const replaced = await put(sku, {
      ...body,
      name: 'Rain jacket (navy)',
      expectedRestockDate: '2027-02-28',
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      sku,
      name: 'Rain jacket (navy)',
      expectedRestockDate: '2027-02-28',
    });

    const read = await get(sku);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      sku,
      ...body,
      name: 'Rain jacket (navy)',
      expectedRestockDate: '2027-02-28',
    });
  });

  test('only a name is required; stock defaults to 0', async () => {
    const sku = uniqueSku('prod-minimal');
    const created = await put(sku, { name: 'Plain' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ sku, name: 'Plain', stock: 0 });
  });

  test('a product saved without its own backorders policy drops the one it had (PUT replaces)', async () => {
    const sku = uniqueSku('prod-replace');
    await put(sku, { name: 'Lamp', backorders: { enabled: false } });
    expect((await platform.request('GET', `/api/products/${sku}`)).body.backordersEnabled).toBe(false);
    expect((await put(sku, { name: 'Lamp' })).status).toBe(200);
    expect((await get(sku)).body.backorders).toBeUndefined();
    expect((await platform.request('GET', `/api/products/${sku}`)).body.backordersEnabled).toBe(true);
  });

  test('the name is stored as text, verbatim', async () => {
    const sku = uniqueSku('prod-html');
    const name = '<script>alert(1)</script> "Deluxe" & co';
    expect((await put(sku, { name })).status).toBe(201);
    expect((await get(sku)).body.name).toBe(name);
    expect((await platform.request('GET', `/api/products/${sku}`)).body.name).toBe(name);
  });

  test.each<[string, unknown]>([
    ['no body', undefined],
    ['null', null],
    ['an array', [{ name: 'x' }]],
    ['no name', { stock: 1 }],
    ['an empty name', { name: '' }],
    ['a name over 200 characters', { name: 'n'.repeat(201) }],
    ['a name with CR LF', { name: 'a\r\nb' }],
    ['an unknown field', { name: 'x', price: 10 }],
    ['an unknown field in backorders', { name: 'x', backorders: { enabled: true, limit: 2 } }],
    ['negative stock', { name: 'x', stock: -1 }],
    ['fractional stock', { name: 'x', stock: 1.5 }],
    ['stock as a string', { name: 'x', stock: '5' }],
    ['expectedRestockDate 2026-02-30', { name: 'x', expectedRestockDate: '2026-02-30' }],
    ['expectedRestockDate 2027-13-01', { name: 'x', expectedRestockDate: '2027-13-01' }],
    ['expectedRestockDate as a timestamp', { name: 'x', expectedRestockDate: '2027-01-01T00:00:00Z' }],
    ['expectedRestockDate in words', { name: 'x', expectedRestockDate: 'next week' }],
    ['backorders without enabled', { name: 'x', backorders: { segments: ['b2c'] } }],
    ['segments ["x"]', { name: 'x', backorders: { enabled: true, segments: ['x'] } }],
    ['maxPerCustomer 0', { name: 'x', backorders: { enabled: true, maxPerCustomer: 0 } }],
    ['maxPerCustomer 2.5', { name: 'x', backorders: { enabled: true, maxPerCustomer: 2.5 } }],
    ['a malformed supplierId', { name: 'x', supplierId: 'has space' }],
    ['a productId with a space', { name: 'x', productId: 'tee shirt' }],
    ['a productId over 64 characters', { name: 'x', productId: 'p'.repeat(65) }],
    ['options that are a list', { name: 'x', productId: 'TEE', options: ['M'] }],
    ['an option value that is a number', { name: 'x', productId: 'TEE', options: { size: 42 } }],
    ['an empty option value', { name: 'x', productId: 'TEE', options: { size: '' } }],
    ['an option name with markup', { name: 'x', productId: 'TEE', options: { '<b>size</b>': 'M' } }],
    ['an option value with CR LF', { name: 'x', productId: 'TEE', options: { size: 'M\r\nX' } }],
    [
      'six options',
      { name: 'x', productId: 'TEE', options: { a: '1', b: '2', c: '3', d: '4', e: '5', f: '6' } },
    ],
  ])('%s → 400 VALIDATION, and nothing is created', async (_label, body) => {
    const sku = uniqueSku('prod-bad');
    expectError(await put(sku, body), 400, 'VALIDATION');
    expectError(await get(sku), 404, 'NOT_FOUND');
  });

  test('an invalid body leaves an existing product unchanged', async () => {
    const sku = uniqueSku('prod-keep');
    await put(sku, { name: 'Keeper', expectedRestockDate: '2027-05-01' });
    const before = (await get(sku)).body;
    expectError(await put(sku, { name: 'Changed', expectedRestockDate: '2026-02-30' }), 400, 'VALIDATION');
    expect((await get(sku)).body).toEqual(before);
  });

  test('a SKU that is not a valid SKU → 400 VALIDATION (or 404), never a 500', async () => {
    for (const sku of ['has space', '-leading-dash', 'x'.repeat(65), 'ünï']) {
      const response = await put(sku, { name: 'x' });
      expectError(response, response.status, response.status === 404 ? 'NOT_FOUND' : 'VALIDATION');
      expect([400, 404]).toContain(response.status);
    }
  });
});

describe('GET /api/admin/products', () => {
  test('GET one unknown → 404 NOT_FOUND', async () => {
    expectError(await get(uniqueSku('prod-unknown')), 404, 'NOT_FOUND');
    expectError(await get('not a sku'), 404, 'NOT_FOUND');
  });

  test('the list answers {items, cursor} and contains saved products', async () => {
    const skus = [uniqueSku('prod-list-a'), uniqueSku('prod-list-b')];
    for (const sku of skus) await put(sku, { name: `Listed ${sku}` });
    const response = await platform.admin('GET', '/api/admin/products');
    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual(['cursor', 'items']);
    for (const sku of skus) {
      expect(response.body.items).toEqual(
        expect.arrayContaining([expect.objectContaining({ sku, name: `Listed ${sku}` })]),
      );
    }
  });

  test('a bad cursor → 400 VALIDATION', async () => {
    for (const cursor of ['!!!', 'bm90LWpzb24', Buffer.from('[1]').toString('base64url')]) {
      expectError(await platform.admin('GET', `/api/admin/products?cursor=${cursor}`), 400, 'VALIDATION');
    }
  });
});
