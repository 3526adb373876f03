/**
 * A demo shop, created through the admin API exactly as a marketer would: site settings, a T-shirt in three
 * sizes (variants of one product) that accepts backorders, and an antique that does not. Skipped when settings
 * already exist (a persisted DATA_DIR).
 */
export const DEMO_PRODUCTS = {
  tshirt: 'TSHIRT-BLUE-M',
  antique: 'ANTIQUE-CLOCK-1890',
} as const;

export const seedDemoShop = async (baseUrl: string, adminToken: string): Promise<'seeded' | 'kept'> => {
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status >= 300)
      throw new Error(`seed: ${method} ${path} answered ${response.status}: ${await response.text()}`);
    return response.json();
  };
  const existing = await call('GET', `/api/admin/products/${DEMO_PRODUCTS.tshirt}`).catch(() => undefined);
  if (existing) return 'kept';
  await call('PUT', '/api/admin/settings', {
    backorders: { enabled: true, segments: ['b2c', 'b2b'] },
    doubleOptIn: true,
    sender: {
      from: 'Demo Outfitters <hello@demo-outfitters.example>',
      replyTo: 'care@demo-outfitters.example',
      postalAddress: 'Demo Outfitters Ltd, 1 Harbour Street, Bristol BS1 4AA, United Kingdom',
    },
  });
  const inThreeWeeks = new Date(Date.now() + 21 * 86_400_000).toISOString().slice(0, 10);
  for (const size of ['S', 'M', 'L']) {
    await call('PUT', `/api/admin/products/TSHIRT-BLUE-${size}`, {
      name: `Organic T-shirt, blue, ${size}`,
      productId: 'TSHIRT-BLUE',
      options: { size, colour: 'Blue' },
      stock: 0,
      expectedRestockDate: inThreeWeeks,
      backorders: { enabled: true, segments: ['b2c', 'b2b'], maxPerCustomer: 5 },
    });
  }
  await call('PUT', `/api/admin/products/${DEMO_PRODUCTS.antique}`, {
    name: 'Mantel clock, 1890 (one of a kind)',
    stock: 0,
    backorders: { enabled: false },
  });
  return 'seeded';
};
