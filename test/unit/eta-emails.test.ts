/**
 * The email a waiting shopper gets when the shop moves the expected restock date: the new date as their
 * language writes a calendar day, later or earlier than the one they were told, or none at all; their place
 * kept; and, when the date slipped far, the choice to keep their place or cancel. Transactional: the status
 * link and the postal address, no unsubscribe. Every shop and shopper text is escaped.
 */
import { renderEtaUpdate, type EtaUpdateData } from '../../lambdas/emails/eta-update';

const STATUS_URL = 'https://shop.example/status?id=B1&token=T1';
const KEEP_URL = 'https://shop.example/status?id=B1&token=T1&keep=1';
const CANCEL_URL = 'https://shop.example/status?id=B1&token=T1#cancel';
const postalAddress = '1 Shop Street, Town';

const base: EtaUpdateData = {
  shopper: { name: 'Ann', email: 'ann@example.com' },
  product: { name: 'Organic Tee', sku: 'TEE-1' },
  backorder: { quantity: 2, statusUrl: STATUS_URL, keepUrl: KEEP_URL, cancelUrl: CANCEL_URL },
  expectedRestockDate: '2026-09-15',
  previous: '2026-06-01',
  ask: false,
  postalAddress,
};
const eta = (overrides: Partial<EtaUpdateData> = {}) => renderEtaUpdate({ ...base, ...overrides });
const amp = (url: string) => url.replace(/&/g, '&amp;');

describe('the new date, later than before', () => {
  test('says from when to when, that the place stays, and links the status page', async () => {
    const email = await eta();
    expect(email.subject).toBe('New expected date for Organic Tee: September 15, 2026');
    expect(email.html).toContain('<strong>Organic Tee</strong> is now expected back on September 15, 2026');
    expect(email.text).toContain(
      'Organic Tee is now expected back on September 15, 2026, instead of June 1, 2026.',
    );
    expect(email.text).toMatch(/^Hi Ann,\n\n/);
    for (const part of [email.html, email.text]) {
      expect(part).toContain('Your place in the queue stays as it is');
      expect(part).toContain('2 × Organic Tee');
      expect(part).toContain('are set aside for you');
      expect(part).toContain(postalAddress);
    }
    expect(email.html).toContain(`href="${amp(STATUS_URL)}"`);
    expect(email.html).toContain('>See your backorder</a>');
    expect(email.text).toContain(`Your private link: ${STATUS_URL}`);
  });

  test('one unit is set aside, not "are"', async () => {
    const email = await eta({ backorder: { ...base.backorder, quantity: 1 } });
    expect(email.text).toContain('as soon as stock arrives, 1 × Organic Tee is set aside for you.');
  });

  test('no greeting without a name', async () => {
    const email = await eta({ shopper: { name: '', email: 'ann@example.com' } });
    expect(email.text).not.toContain('Hi');
    expect(email.text).toMatch(/^Organic Tee is now expected back/);
  });
});

describe('the new date, earlier than before', () => {
  test('is good news', async () => {
    const email = await eta({ expectedRestockDate: '2026-05-20' });
    expect(email.subject).toBe('Good news: Organic Tee is now expected on May 20, 2026');
    expect(email.text).toContain('expected back on May 20, 2026, instead of June 1, 2026.');
  });

  test('compares the days, not the lengths of months (a later month with an earlier day is later)', async () => {
    const later = await eta({ expectedRestockDate: '2026-10-01', previous: '2026-09-30' });
    expect(later.subject).toBe('New expected date for Organic Tee: October 1, 2026');
    const earlier = await eta({ expectedRestockDate: '2025-12-31', previous: '2026-01-01' });
    expect(earlier.subject).toMatch(/^Good news: /);
  });
});

describe('no previous date', () => {
  test('says the new date alone, never "instead of"', async () => {
    const email = await eta({ previous: null });
    expect(email.subject).toBe('New expected date for Organic Tee: September 15, 2026');
    expect(email.text).toContain('Organic Tee is now expected back on September 15, 2026.');
    for (const part of [email.html, email.text]) expect(part).not.toContain('instead of');
  });

  test('the same date as before is no news either way', async () => {
    const email = await eta({ previous: '2026-09-15' });
    expect(email.subject).not.toMatch(/^Good news/);
    expect(email.text).not.toContain('instead of');
  });
});

describe('no date any more', () => {
  test('says the date is not confirmed, and which one it was', async () => {
    const email = await eta({ expectedRestockDate: null });
    expect(email.subject).toBe('Organic Tee: the expected date is not confirmed any more');
    expect(email.text).toContain(
      'Organic Tee was expected back on June 1, 2026, but the shop has no confirmed date any more.',
    );
    expect(email.text).toContain('Your place in the queue stays as it is');
  });

  test('without a previous date either', async () => {
    const email = await eta({ expectedRestockDate: null, previous: null });
    expect(email.text).toContain('The shop has no confirmed date for Organic Tee any more.');
    expect(email.text).not.toContain('null');
  });

  test('asking then does not speak of a "new date"', async () => {
    const email = await eta({ expectedRestockDate: null, ask: true });
    expect(email.text).toContain('Without a date, nobody can say yet how long the wait will be.');
    expect(email.text).not.toContain('The new date');
    expect(email.html).toContain('>Keep my place</a>');
  });
});

describe('keep my place, or cancel', () => {
  test('when asked: the question, one link each, and that doing nothing keeps the place', async () => {
    const email = await eta({ ask: true });
    expect(email.html).toContain(
      'The new date is a lot later than when you signed up. Do you still want to wait?',
    );
    expect(email.html).toContain(`href="${amp(KEEP_URL)}"`);
    expect(email.html).toContain('>Keep my place</a>');
    expect(email.html).toContain(`href="${amp(CANCEL_URL)}"`);
    expect(email.html).toContain('>Cancel my backorder</a>');
    expect(email.text).toContain(`Keep my place: ${KEEP_URL}`);
    expect(email.text).toContain(`Cancel my backorder: ${CANCEL_URL}`);
    for (const part of [email.html, email.text])
      expect(part).toContain('If you do nothing, your place stays.');
    // The status link stays besides the two choices.
    expect(email.html).toContain(`href="${amp(STATUS_URL)}"`);
    expect(email.html).toContain('>See your backorder</a>');
    expect(email.text).toContain(`Your private link: ${STATUS_URL}`);
  });

  test('when not asked: neither link nor question', async () => {
    const email = await eta({ ask: false });
    for (const part of [email.html, email.text]) {
      expect(part).not.toContain('Keep my place');
      expect(part).not.toContain('Cancel my backorder');
      expect(part).not.toContain('keep=1');
      expect(part).not.toContain('#cancel');
      expect(part).not.toContain('Do you still want to wait?');
    }
  });
});

describe('in German', () => {
  test('dates as German writes them, and the choice in German', async () => {
    const email = await eta({ locale: 'de-AT', ask: true });
    expect(email.html).toContain('<html lang="de">');
    expect(email.subject).toBe('Neuer voraussichtlicher Termin für Organic Tee: 15. September 2026');
    expect(email.text).toContain(
      'Organic Tee ist voraussichtlich am 15. September 2026 wieder da, nicht wie bisher am 1. Juni 2026.',
    );
    expect(email.text).toContain('Hallo Ann,');
    expect(email.text).toContain('werden 2 × Organic Tee für Sie reserviert');
    expect(email.html).toContain('>Meinen Platz behalten</a>');
    expect(email.html).toContain('>Meine Vorbestellung stornieren</a>');
    expect(email.text).toContain(`Meinen Platz behalten: ${KEEP_URL}`);
    expect(email.text).toContain(`Meine Vorbestellung stornieren: ${CANCEL_URL}`);
    expect(email.text).toContain('Wenn Sie nichts tun, behalten Sie Ihren Platz.');
    expect(email.text).toContain(`Ihr persönlicher Link: ${STATUS_URL}`);
    expect(email.html).toContain('>Zu Ihrer Vorbestellung</a>');
  });

  test('earlier, and no date any more', async () => {
    expect((await eta({ locale: 'de', expectedRestockDate: '2026-05-20' })).subject).toBe(
      'Gute Nachricht: Organic Tee ist voraussichtlich schon am 20. Mai 2026 wieder da',
    );
    const none = await eta({ locale: 'de', expectedRestockDate: null });
    expect(none.subject).toBe('Organic Tee: Der voraussichtliche Termin ist nicht mehr bestätigt');
    expect(none.text).toContain('Organic Tee sollte am 1. Juni 2026 wieder da sein');
  });

  test('a calendar day is the same day whatever the time zone of the machine', async () => {
    // The last day of a year would be the 31st or the 1st of January in a zone either side of UTC.
    const email = await eta({ locale: 'de', expectedRestockDate: '2026-12-31', previous: '2026-01-01' });
    expect(email.text).toContain('am 31. Dezember 2026 wieder da, nicht wie bisher am 1. Januar 2026');
  });
});

test.each(['fr', 'es'])('reads in %s too, with no English sentence left behind', async (locale) => {
  for (const overrides of [{ ask: true }, { ask: true, expectedRestockDate: null }, { previous: null }]) {
    const email = await eta({ locale, ...overrides });
    expect(email.html).toContain(`<html lang="${locale}">`);
    expect(email.text).not.toMatch(/expected|queue|keep my place|cancel my|your place|if you do nothing/i);
    expect(email.subject).not.toMatch(/expected|new date/i);
  }
});

test('shop and shopper text is escaped, and cannot break the Subject line', async () => {
  const email = await eta({
    ask: true,
    product: { name: 'Tee <script>alert(1)</script> & Co\r\nBcc: x@evil.example', sku: 'T' },
    shopper: { name: '<script>x</script> & Ann', email: 'ann@example.com' },
  });
  expect(email.html).not.toContain('<script>');
  expect(email.html).toContain('Tee &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
  expect(email.html).toContain('&lt;script&gt;x&lt;/script&gt; &amp; Ann');
  expect(email.subject).not.toMatch(/[\r\n]/);
  expect(email.text).toContain('Tee <script>alert(1)</script> & Co');
});

test('transactional: no unsubscribe link or wording, asked or not', async () => {
  for (const ask of [false, true]) {
    const email = await eta({ ask });
    for (const part of [email.subject, email.html, email.text]) {
      expect(part).not.toMatch(/unsubscribe|list-unsubscribe/i);
    }
    expect(email).not.toHaveProperty('headers');
    expect(email.text.trimEnd().endsWith(`--\n${postalAddress}`)).toBe(true);
  }
});
