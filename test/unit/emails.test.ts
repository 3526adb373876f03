import { renderConfirmation, type ConfirmationData } from '../../lambdas/emails/confirmation';
import { renderRestockAlert } from '../../lambdas/emails/restock';
import { buildMime } from '../../lambdas/emails/mime';
import { wrapInLayout } from '../../lambdas/emails/layout';
import { emailTranslator } from '../../i18n/email-translate';

const data = (
  overrides: Partial<ConfirmationData['shopper']> = {},
  productName = 'Organic T-shirt',
): ConfirmationData => ({
  shopper: { name: 'Ann', email: 'ann@example.com', ...overrides },
  product: { name: productName, sku: 'TEE-1', expectedRestockDate: '2026-12-24' },
  backorder: { quantity: 2, position: 3, statusUrl: 'https://shop.example/status?id=X&token=T' },
  confirmUrl: '',
  postalAddress: '1 Harbour Street, Bristol',
});

describe('confirmation email', () => {
  test('tells the shopper what they asked for, their place and their status link', async () => {
    const email = await renderConfirmation(data());
    expect(email.subject).toBe("You're on the list for Organic T-shirt");
    for (const part of [email.html, email.text]) {
      expect(part).toContain('number');
      expect(part).toContain('3');
      // The date as the shopper's language writes it.
      expect(part).toContain('December 24, 2026');
      expect(part).toContain('1 Harbour Street, Bristol');
    }
    expect(email.html).toContain('href="https://shop.example/status?id=X&amp;token=T"');
    expect(email.text).toContain('https://shop.example/status?id=X&token=T');
  });

  test('shopper and product text is escaped in the HTML, never run', async () => {
    const email = await renderConfirmation(
      data({ name: '<script>alert(1)</script>' }, '<img src=x onerror=alert(2)>'),
    );
    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain('<img src=x');
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  test('a line break in a product name cannot reach the Subject header', async () => {
    const email = await renderConfirmation(data({}, 'Tee\r\nBcc: victim@example.com'));
    expect(email.subject).toBe("You're on the list for Tee Bcc: victim@example.com");
  });

  test('the layout is responsive', async () => {
    const email = await renderConfirmation(data());
    expect(email.html).toContain('name="viewport"');
    expect(email.html).toContain('max-width:560px');
  });
});

describe('layout', () => {
  test('escapes everything it puts in but the rendered body, and shows only the links it is given', async () => {
    const html = await wrapInLayout({
      subject: 'Tee "<b>" & co',
      contentHtml: '<p>Body <strong>kept</strong></p>',
      postalAddress: '1 <i>Harbour</i> St & "Sons"',
      t: emailTranslator('de'),
      statusUrl: 'https://shop.example/status?id=X&token=T"><script>',
      unsubscribeUrl: 'https://shop.example/unsubscribe?token=U&lang=de',
    });
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('<title>Tee &quot;&lt;b&gt;&quot; &amp; co</title>');
    expect(html).toContain('<p>Body <strong>kept</strong></p>');
    expect(html).toContain('1 &lt;i&gt;Harbour&lt;/i&gt; St &amp; &quot;Sons&quot;');
    expect(html).toContain('href="https://shop.example/status?id=X&amp;token=T&quot;&gt;&lt;script&gt;"');
    expect(html).toContain('href="https://shop.example/unsubscribe?token=U&amp;lang=de"');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<i>');

    const bare = await wrapInLayout({
      subject: 'Hello',
      contentHtml: '<p>Hi</p>',
      postalAddress: '1 Harbour Street',
      t: emailTranslator('en'),
    });
    expect(bare).not.toContain('<a ');
    expect(bare).toContain('\n1 Harbour Street\n</p>');
  });
});

describe('MIME message', () => {
  const rendered = { subject: 'Hello', html: '<p>Hi</p>', text: 'Hi' };

  test('is multipart text + HTML, addressed to the shopper by name', async () => {
    const raw = (
      await buildMime(
        {
          from: 'Shop <shop@example.com>',
          to: { name: 'Ann Lee', address: 'ann@example.com' },
          emailId: 'confirmation#1',
        },
        rendered,
      )
    ).toString();
    expect(raw).toMatch(/^Content-Type: multipart\/alternative/m);
    expect(raw).toMatch(/^To: Ann Lee <ann@example\.com>$/m);
    expect(raw).toMatch(/^X-Backorder-Email-Id: confirmation#1\r?$/im);
    expect(raw).not.toMatch(/^List-Unsubscribe/m);
  });

  test('marketing email carries List-Unsubscribe then List-Unsubscribe-Post (RFC 8058)', async () => {
    const raw = (
      await buildMime(
        {
          from: 'shop@example.com',
          to: { address: 'ann@example.com' },
          emailId: 'nurture#1',
          unsubscribeUrl: 'https://shop.example/api/unsubscribe?token=U',
        },
        rendered,
      )
    ).toString();
    const unsubscribe = raw.indexOf('List-Unsubscribe: <https://shop.example/api/unsubscribe?token=U>');
    const post = raw.indexOf('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(unsubscribe).toBeGreaterThan(-1);
    expect(post).toBeGreaterThan(unsubscribe);
  });

  test('a display name cannot inject a header', async () => {
    const raw = (
      await buildMime(
        {
          from: 'shop@example.com',
          to: { name: 'Ann\r\nBcc: victim@example.com', address: 'ann@example.com' },
          emailId: 'x',
        },
        rendered,
      )
    ).toString();
    expect(raw).not.toMatch(/^Bcc:/m);
  });
});

test('a transactional email has no unsubscribe link: it is not marketing', async () => {
  const email = await renderConfirmation(data());
  expect(email.html).not.toContain('Unsubscribe');
  expect(email.html).not.toContain('href=""');
});

describe('restock alert', () => {
  const data = {
    shopper: { name: '<b>Ann</b>', email: 'ann@example.com' },
    product: { name: 'Tee "blue" & <i>bold</i>\r\nBcc: x@evil.example', sku: 'TEE-1' },
    backorder: { quantity: 2, statusUrl: 'https://shop.example/status?id=B1&token=T1' },
    postalAddress: '1 Shop Street, Town',
  };

  test('says the units are set aside, what happens next, and how to give them up', async () => {
    const email = await renderRestockAlert(data);
    expect(email.text).toContain('2 × Tee "blue" & <i>bold</i>');
    expect(email.text).toContain('are now set aside for you');
    expect(email.text).toContain('What happens next');
    expect(email.text).toContain('https://shop.example/status?id=B1&token=T1');
    expect(email.text).toContain('1 Shop Street, Town');
    expect(
      (await renderRestockAlert({ ...data, backorder: { ...data.backorder, quantity: 1 } })).text,
    ).toContain('is now set aside');
  });

  test('shopper and product text is escaped in the HTML and cannot break the Subject line', async () => {
    const email = await renderRestockAlert(data);
    expect(email.html).not.toContain('<b>Ann</b>');
    expect(email.html).toContain('&lt;b&gt;Ann&lt;/b&gt;');
    expect(email.html).toContain('&lt;i&gt;bold&lt;/i&gt;');
    expect(email.subject).not.toMatch(/[\r\n]/);
    const mime = (
      await buildMime(
        { from: 'Shop <shop@example.com>', to: { address: 'ann@example.com' }, emailId: 'restock#B1' },
        email,
      )
    ).toString();
    const headers = mime.split('\r\n\r\n')[0];
    expect(headers).not.toMatch(/^Bcc:/im);
    // Transactional: no unsubscribe header.
    expect(headers).not.toMatch(/^List-Unsubscribe/im);
  });
});

describe("the shopper's language", () => {
  test('a German shopper gets the confirmation in German, with the date written the German way', async () => {
    const email = await renderConfirmation({
      ...data(),
      locale: 'de-AT',
      confirmUrl: 'https://shop.example/c?t=1',
    });
    expect(email.subject).toBe('Sie stehen auf der Liste für Organic T-shirt');
    expect(email.html).toContain('<html lang="de">');
    expect(email.html).toContain('Sie sind Nummer <strong>3</strong> in der Warteschlange');
    expect(email.html).toContain('24. Dezember 2026');
    expect(email.html).toContain('<a href="https://shop.example/c?t=1"');
    expect(email.text).toContain('Wir haben Ihre Vorbestellung für 2 × Organic T-shirt erhalten.');
    expect(email.text).toContain('1 Harbour Street, Bristol');
  });

  test.each([
    ['fr', 'Bonne nouvelle : Tee est de retour, et le vôtre est mis de côté', 'sont maintenant mis de côté'],
    ['es-MX', 'Buenas noticias: Tee ha vuelto y el tuyo está reservado', 'ya están reservados para ti'],
    ['it', 'Good news: Tee is back, and yours is set aside', 'are now set aside for you'],
  ])('a restock alert in %s', async (locale, subject, sentence) => {
    const email = await renderRestockAlert({
      shopper: { name: '', email: 'a@example.com' },
      product: { name: 'Tee', sku: 'T' },
      backorder: { quantity: 2, statusUrl: 'https://shop.example/s' },
      postalAddress: 'Street',
      locale,
    });
    expect(email.subject).toBe(subject);
    expect(email.text).toContain(sentence);
  });

  test('shopper text stays escaped inside a translated sentence', async () => {
    const email = await renderConfirmation({ ...data({ name: '<b>x</b>' }, '<i>Tee</i>'), locale: 'fr' });
    expect(email.html).toContain('Bonjour &lt;b&gt;x&lt;/b&gt;,');
    expect(email.html).toContain('<strong>2 × &lt;i&gt;Tee&lt;/i&gt;</strong>');
    expect(email.html).not.toContain('<i>Tee</i>');
  });
});
