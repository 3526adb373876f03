/**
 * Which file under web/ answers a page URL. The local runner calls it for every page request, and the CDK
 * web construct inlines the very same function into a CloudFront Function (viewer request), so the two
 * cannot disagree about, say, /p/{sku} being the landing page.
 *
 * Keep it self-contained plain JavaScript (no imports, no closures): CloudFront Functions run its source text.
 */
export function pageFileFor(uri: string): string {
  // Every product's landing page is the same document; the SKU is read from the URL by the page script.
  if (uri.indexOf('/p/') === 0) return '/p/index.html';
  if (uri === '/' || uri === '') return '/index.html';
  const last = uri.substring(uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') !== -1) return uri;
  return uri.charAt(uri.length - 1) === '/' ? uri + 'index.html' : uri + '/index.html';
}
