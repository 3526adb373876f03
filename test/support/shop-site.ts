/**
 * A shop's own web server for the browser tests: serves whatever product page a test gives it, from its own
 * origin (another local port), as a shop's site would be on its own domain; and a checkout at `/checkout`
 * that shows what it was asked to sell (`?sku=&qty=&claim=`, as a shop's checkout URL template fills them),
 * which is where a restock alert's "Complete your order" link leads.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ShopSite {
  origin: string;
  /** Publishes `html` at a fresh path and returns its URL. */
  page(html: string): string;
  /** The checkout page's address, without a query: `${origin}/checkout`. */
  checkoutUrl: string;
  close(): Promise<void>;
}

export const startShopSite = async (): Promise<ShopSite> => {
  const pages = new Map<string, string>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://shop.invalid');
    const html = url.pathname === '/checkout' ? checkoutPage(url.searchParams) : pages.get(req.url ?? '');
    res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html ?? 'Not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    checkoutUrl: `${origin}/checkout`,
    page(html) {
      const at = `/products/${pages.size + 1}`;
      pages.set(at, html);
      return `${origin}${at}`;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/**
 * The shop's checkout as the shopper lands on it: the SKU, quantity and claim code it was given, each as
 * text (escaped: they come from the address) in an element a test can find by its `data-test`.
 */
const checkoutPage = (query: URLSearchParams): string => {
  const field = (name: string, label: string) =>
    `<div><dt>${label}</dt><dd data-test="${name}">${escapeHtml(query.get(name) ?? '')}</dd></div>`;
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Corner Shop: checkout</title>
    <link rel="icon" href="data:," />
  </head>
  <body>
    <h1 data-test="checkout">Checkout</h1>
    <dl>${field('sku', 'SKU')}${field('qty', 'Quantity')}${field('claim', 'Claim')}</dl>
  </body>
</html>`;
};

/** A shop's product page with the two lines a shop pastes (the script from `platformUrl`), and its own CSS. */
export const shopProductPage = (platformUrl: string, element: string, css = '') => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Corner Shop</title>
    <link rel="icon" href="data:," />
    <style>body { margin: 0 auto; max-width: 60rem; padding: 1rem; font-family: Georgia, serif; } ${css}</style>
    <script type="module" src="${platformUrl}/embed.js"></script>
  </head>
  <body>
    <h1>Corner Shop</h1>
    <p>Our best tee, sold out again.</p>
    ${element}
  </body>
</html>`;
