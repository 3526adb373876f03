/**
 * The emails of a hold (issue 16): the restock alert with a claim link and the hold's end, the paid order's
 * alert, the reminder before the end and the notice after it, in the shopper's language and time zone, with
 * every shop and shopper text escaped.
 */
import { renderHoldExpired } from '../../lambdas/emails/hold-expired';
import { renderHoldReminder } from '../../lambdas/emails/hold-reminder';
import { formatHoldEnd, zoneOrUtc } from '../../lambdas/emails/hold-time';
import { renderRestockAlert } from '../../lambdas/emails/restock';

// 17:00 UTC is 18:00 in Berlin (winter time), 12:00 in New York.
const HOLD_UNTIL = '2026-12-04T17:00:00Z';
const STATUS_URL = 'https://shop.example/status?id=B1&token=T1';
const CLAIM_URL = 'https://shop.example/r/B1?token=T1&via=alert';
const JOIN_URL = 'https://shop.example/p/TEE-1';

const shopper = { name: 'Ann', email: 'ann@example.com' };
const product = { name: 'Organic Tee', sku: 'TEE-1' };
const held = { quantity: 2, statusUrl: STATUS_URL, claimUrl: CLAIM_URL, holdUntil: HOLD_UNTIL };
const postalAddress = '1 Shop Street, Town';

/** The pieces of a formatted end, whatever the ICU version puts between them ("at", a comma). */
const END = {
  enBerlin: ['Friday', 'December 4', '6:00', 'PM', 'GMT+1'],
  enUtc: ['Friday', 'December 4', '5:00', 'PM', 'UTC'],
  deBerlin: ['Freitag', '4. Dezember', '18:00', 'MEZ'],
  deUtc: ['Freitag', '4. Dezember', '17:00', 'UTC'],
};
const expectEnd = (text: string, pieces: string[]) => {
  for (const piece of pieces) expect(text).toContain(piece);
};

describe('when a hold ends, as the shopper reads it', () => {
  test('in their language and time zone, the zone named', () => {
    expectEnd(formatHoldEnd(HOLD_UNTIL, 'en', 'Europe/Berlin') ?? '', END.enBerlin);
    expectEnd(formatHoldEnd(HOLD_UNTIL, 'de', 'Europe/Berlin') ?? '', END.deBerlin);
    expectEnd(formatHoldEnd(HOLD_UNTIL, 'de', 'America/New_York') ?? '', ['12:00', 'GMT-5']);
  });

  test.each([undefined, null, '', 'Mars/Olympus', 'Europe/Nowhere', '../../etc'])(
    'in UTC when the zone is %p (never throws)',
    (zone) => {
      expect(zoneOrUtc(zone)).toBe('UTC');
      expectEnd(formatHoldEnd(HOLD_UNTIL, 'en', zone) ?? '', END.enUtc);
    },
  );

  test('a known zone is kept', () => {
    expect(zoneOrUtc('Europe/Berlin')).toBe('Europe/Berlin');
  });

  test('an unreadable instant is no time at all', () => {
    expect(formatHoldEnd('not a date', 'en', 'UTC')).toBeNull();
    expect(formatHoldEnd('', 'en', 'UTC')).toBeNull();
  });
});

describe('restock alert for a reservation with a hold', () => {
  const alert = (overrides: Record<string, unknown> = {}) =>
    renderRestockAlert({
      shopper,
      product,
      backorder: held,
      postalAddress,
      kind: 'reservation',
      timeZone: 'Europe/Berlin',
      ...overrides,
    });

  test('asks the shopper to complete their order before the hold ends, in their time zone', async () => {
    const email = await alert();
    expect(email.subject).toBe('Good news: Organic Tee is back, and yours is set aside');
    expect(email.html).toContain('href="https://shop.example/r/B1?token=T1&amp;via=alert"');
    expect(email.html).toContain('>Complete your order</a>');
    expect(email.text).toContain(`Complete your order here: ${CLAIM_URL}`);
    for (const part of [email.html, email.text]) {
      expectEnd(part, END.enBerlin);
      expect(part).toContain('After that, they go to the next person in the queue.');
      // The shopper must act: the no-hold promise that the shop does it all must not be made.
      expect(part).not.toContain('You do not need to do anything');
      expect(part).not.toContain('What happens next');
      // The status link and how to give the units up are still there.
      expect(part).toContain('Changed your mind?');
      expect(part).toContain(postalAddress);
    }
    expect(email.html).toContain('https://shop.example/status?id=B1&amp;token=T1');
    expect(email.text).toContain(STATUS_URL);
  });

  test('in German, in the requested zone', async () => {
    const email = await alert({ locale: 'de-AT' });
    expect(email.subject).toBe('Gute Nachricht: Organic Tee ist wieder da, und Ihres ist reserviert');
    expect(email.html).toContain('<html lang="de">');
    expect(email.html).toContain('>Bestellung abschließen</a>');
    expect(email.text).toContain(`Hier schließen Sie Ihre Bestellung ab: ${CLAIM_URL}`);
    for (const part of [email.html, email.text]) {
      expectEnd(part, END.deBerlin);
      expect(part).not.toContain('Sie müssen nichts tun');
    }
  });

  test('an unknown time zone falls back to UTC, and no zone is UTC', async () => {
    expectEnd((await alert({ timeZone: 'Not/AZone' })).text, END.enUtc);
    expectEnd((await alert({ timeZone: undefined, locale: 'de' })).text, END.deUtc);
  });

  test('shop and shopper text is escaped', async () => {
    const email = await alert({
      product: { name: 'Tee <b>&', sku: 'T' },
      shopper: { ...shopper, name: '<i>A</i>' },
    });
    expect(email.html).toContain('Tee &lt;b&gt;&amp;');
    expect(email.html).not.toContain('<b>&');
    expect(email.html).toContain('&lt;i&gt;A&lt;/i&gt;');
    expect(email.text).toContain('2 × Tee <b>&');
  });
});

describe('restock alert for a paid order', () => {
  test('says the order is on its way, with no claim link and no hold', async () => {
    const email = await renderRestockAlert({
      shopper,
      product,
      backorder: held,
      postalAddress,
      kind: 'order',
      timeZone: 'Europe/Berlin',
    });
    expect(email.subject).toBe('Good news: Organic Tee is back, and your order is on its way');
    for (const part of [email.html, email.text]) {
      expect(part).toContain('on its way');
      expect(part).toContain('The shop is preparing it for shipping');
      expect(part).not.toContain('/r/B1');
      expect(part).not.toContain('Complete your order');
      expect(part).not.toContain('December 4');
    }
    expect(email.text).toContain(STATUS_URL);
  });

  test('in German', async () => {
    const email = await renderRestockAlert({
      shopper,
      product,
      backorder: held,
      postalAddress,
      kind: 'order',
      locale: 'de',
    });
    expect(email.subject).toBe(
      'Gute Nachricht: Organic Tee ist wieder da, und Ihre Bestellung ist unterwegs',
    );
    expect(email.text).toContain('Sie haben bereits bezahlt');
    expect(email.html).not.toContain('/r/B1');
  });
});

describe('restock alert without a hold', () => {
  const plain = { shopper, product, backorder: { quantity: 2, statusUrl: STATUS_URL }, postalAddress };

  test('is exactly as before the holds, whatever else is known', async () => {
    const before = await renderRestockAlert(plain);
    expect(before.text).toContain('What happens next: the shop completes your order');
    expect(before.html).not.toContain('Complete your order');
    expect(await renderRestockAlert({ ...plain, kind: 'reservation', timeZone: 'Europe/Berlin' })).toEqual(
      before,
    );
    // A hold needs its link and its end, both.
    expect(
      await renderRestockAlert({ ...plain, backorder: { ...plain.backorder, holdUntil: HOLD_UNTIL } }),
    ).toEqual(before);
    expect(
      await renderRestockAlert({ ...plain, backorder: { ...plain.backorder, claimUrl: CLAIM_URL } }),
    ).toEqual(before);
  });
});

describe('hold reminder', () => {
  const reminder = (overrides: Record<string, unknown> = {}) =>
    renderHoldReminder({
      shopper,
      product,
      backorder: held,
      postalAddress,
      timeZone: 'Europe/Berlin',
      ...overrides,
    });

  test('repeats the claim link and the end, and how to let the units go', async () => {
    const email = await reminder();
    expect(email.subject).toMatch(/^Reminder: Organic Tee is held for you until Friday/);
    expectEnd(email.subject, END.enBerlin);
    expect(email.html).toContain('href="https://shop.example/r/B1?token=T1&amp;via=alert"');
    expect(email.html).toContain('>Complete your order</a>');
    expect(email.text).toContain(`Complete your order here: ${CLAIM_URL}`);
    for (const part of [email.html, email.text]) {
      expect(part).toContain('2 × Organic Tee');
      expect(part).toContain('are still set aside for you');
      expectEnd(part, END.enBerlin);
      expect(part).toContain('the next person in the queue gets it');
      expect(part).toContain(postalAddress);
    }
    expect(email.html).toContain('https://shop.example/status?id=B1&amp;token=T1');
    expect(email.text).toContain(STATUS_URL);
  });

  test('in German, one unit', async () => {
    const email = await reminder({ locale: 'de-DE', backorder: { ...held, quantity: 1 } });
    expect(email.subject).toMatch(
      /^Erinnerung: Organic Tee ist noch bis Freitag, 4\. Dezember .*MEZ für Sie reserviert$/,
    );
    expect(email.html).toContain('>Bestellung abschließen</a>');
    expect(email.text).toContain('1 × Organic Tee ist noch für Sie reserviert');
    expect(email.text).toContain(CLAIM_URL);
    expectEnd(email.text, END.deBerlin);
  });

  test('an unknown zone is UTC', async () => {
    expectEnd((await reminder({ timeZone: 'Nowhere/Land' })).text, END.enUtc);
  });

  test('shop and shopper text is escaped, and cannot break the Subject line', async () => {
    const email = await reminder({ product: { name: 'Tee <b>&\r\nBcc: x@evil.example', sku: 'T' } });
    expect(email.html).toContain('Tee &lt;b&gt;&amp;');
    expect(email.html).not.toContain('<b>&');
    expect(email.subject).not.toMatch(/[\r\n]/);
  });
});

describe('hold expired', () => {
  const expired = (overrides: Record<string, unknown> = {}) =>
    renderHoldExpired({
      shopper,
      product,
      backorder: { quantity: 2, statusUrl: STATUS_URL },
      joinAgainUrl: JOIN_URL,
      postalAddress,
      ...overrides,
    });

  test('says the units went to the next in line and offers to join again', async () => {
    const email = await expired();
    expect(email.subject).toBe('Organic Tee is no longer held for you');
    expect(email.html).toContain(`href="${JOIN_URL}"`);
    expect(email.html).toContain('>Join the list again</a>');
    expect(email.text).toContain(`Join the list again: ${JOIN_URL}`);
    for (const part of [email.html, email.text]) {
      expect(part).toContain('they have gone to the next person in the queue');
      expect(part).not.toContain('Complete your order');
      expect(part).toContain(postalAddress);
    }
    expect(email.html).toContain('https://shop.example/status?id=B1&amp;token=T1');
    expect(email.text).toContain(STATUS_URL);
    expect((await expired({ backorder: { quantity: 1, statusUrl: STATUS_URL } })).text).toContain(
      'so it has gone to the next person',
    );
  });

  test('in German', async () => {
    const email = await expired({ locale: 'de' });
    expect(email.subject).toBe('Organic Tee ist nicht mehr für Sie reserviert');
    expect(email.html).toContain('>Wieder in die Liste eintragen</a>');
    expect(email.text).toContain(JOIN_URL);
    expect(email.text).toContain('an die nächste Person in der Warteschlange gegangen');
  });

  test('shop and shopper text is escaped', async () => {
    const email = await expired({
      product: { name: 'Tee <b>&', sku: 'T' },
      shopper: { ...shopper, name: '<i>A</i>' },
    });
    expect(email.html).toContain('Tee &lt;b&gt;&amp;');
    expect(email.html).not.toContain('<b>&');
    expect(email.html).toContain('&lt;i&gt;A&lt;/i&gt;');
  });
});

test.each(['fr', 'es'])('every hold email reads in %s too', async (locale) => {
  const emails = [
    await renderRestockAlert({ shopper, product, backorder: held, postalAddress, locale, timeZone: 'UTC' }),
    await renderRestockAlert({ shopper, product, backorder: held, postalAddress, locale, kind: 'order' }),
    await renderHoldReminder({ shopper, product, backorder: held, postalAddress, locale }),
    await renderHoldExpired({
      shopper,
      product,
      backorder: held,
      joinAgainUrl: JOIN_URL,
      postalAddress,
      locale,
    }),
  ];
  for (const email of emails) {
    expect(email.html).toContain(`<html lang="${locale}">`);
    // No English sentence left behind.
    expect(email.text).not.toMatch(/complete your order|next person|join the list/i);
  }
});
