import { pageFileFor } from '../../lib/web-paths';

describe('page URLs', () => {
  test.each([
    ['/p/TSHIRT-BLUE-M', '/p/index.html'],
    ['/p/some%20sku', '/p/index.html'],
    ['/status', '/status/index.html'],
    ['/status/', '/status/index.html'],
    ['/unsubscribe', '/unsubscribe/index.html'],
    ['/console/', '/console/index.html'],
    ['/', '/index.html'],
    ['/assets/site.css', '/assets/site.css'],
  ])('%s is served by %s', (uri, file) => {
    expect(pageFileFor(uri)).toBe(file);
  });
});
