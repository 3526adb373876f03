/**
 * Marketers' templates can neither read files nor run forever: the Liquid engines have no file system and
 * refuse the tags that read files (even when the save check is bypassed), and a template renders within
 * 100 ms, 512 KiB of output and liquidjs's memory count, or is refused naming the part and the limit.
 */
import type { Liquid } from 'liquidjs';
import { renderNurtureStep, textFromHtml } from '../../lambdas/emails/nurture';
import {
  MEMORY_LIMIT,
  OUTPUT_LIMIT_BYTES,
  TemplateRefused,
  type TemplateProblem,
} from '../../lambdas/emails/render-limits';
import { htmlEngine, textEngine } from '../../lambdas/emails/templating';
import { checkTemplate, sampleVariables } from '../../lambdas/emails/variables';

const engines = [
  ['HTML', htmlEngine],
  ['text', textEngine],
] as const;

describe('no template reads a file', () => {
  const sources = [
    ['include', "{% include 'package.json' %}"],
    ['render', "{% render '/etc/passwd' %}"],
    ['layout', "{% layout 'package.json' %}<p>x</p>"],
    ['include', "{%- include '../../package.json' -%}"],
    ['render', "{% liquid\n  render 'package.json'\n%}"],
  ] as const;

  const cases = engines.flatMap(([name, engine]) =>
    sources.map(([tag, source]): [string, string, string, Liquid] => [name, tag, source, engine]),
  );
  test.each(cases)(
    'the %s engine refuses the %s tag in %j, even with no check before it',
    async (_name, tag, source, engine) => {
      const rendered = engine.parseAndRender(source, {});
      await expect(rendered).rejects.toThrow(`the ${tag} tag is not allowed: templates cannot read files`);
    },
  );

  test.each(engines)('the %s engine has no file system to read from', async (_name, engine) => {
    for (const file of ['package.json', '/etc/passwd']) {
      await expect(engine.renderFile(file)).rejects.toThrow();
      expect(() => engine.parseFileSync(file)).toThrow();
      await expect(engine.options.fs.readFile(file)).rejects.toThrow('templates cannot read files');
      expect(() => engine.options.fs.readFileSync(file)).toThrow('templates cannot read files');
    }
  });

  test.each([
    ['include', "<p>Hi</p>\n  {% include 'package.json' %}"],
    ['render', "<p>Hi</p>\n  {% render '/etc/passwd' %}"],
    ['layout', "<p>Hi</p>\n  {% layout 'package.json' %}"],
  ])('the save check names the %s tag, the field, line and column', (tag, source) => {
    for (const kind of ['html', 'text'] as const) {
      expect(checkTemplate(source, 'steps.0.text', kind)).toEqual([
        {
          path: 'steps.0.text',
          message: `line 2, col 3: the ${tag} tag is not allowed: templates cannot read files`,
        },
      ]);
    }
  });
});

describe('render limits', () => {
  const variables = sampleVariables('https://shop.example');

  const refusal = async (step: { subject?: string; html: string; text?: string }) => {
    try {
      await renderNurtureStep({ subject: 'Hello', ...step }, variables, '1 Harbour Street');
    } catch (error) {
      if (error instanceof TemplateRefused) return error;
      throw error;
    }
    throw new Error('the template was rendered');
  };

  const expectRefused = async (
    step: { subject?: string; html: string; text?: string },
    part: string,
    problem: TemplateProblem,
    reason: RegExp,
  ) => {
    const refused = await refusal(step);
    expect({ part: refused.part, problem: refused.problem }).toEqual({ part, problem });
    expect(refused.reason).toMatch(reason);
  };

  test('a range of a hundred million is refused before it is built (it would need 800 MB)', async () => {
    await expectRefused(
      { html: '{% for i in (1..100000000) %}{% endfor %}' },
      'html',
      'memory',
      new RegExp(`over ${MEMORY_LIMIT} characters or list items`),
    );
  });

  test('a loop that allocates nothing but turns a billion times is stopped at 100 ms', async () => {
    await expectRefused(
      {
        html: '{% assign xs = (1..1000) %}{% for a in xs %}{% for b in xs %}{% for c in xs %}{% endfor %}{% endfor %}{% endfor %}',
      },
      'html',
      'time',
      /over 100 ms/,
    );
  });

  test('a pause of the machine during one render (not the template) does not refuse a sound template', async () => {
    const realNow = performance.now.bind(performance);
    let calls = 0;
    // The first render's clock jumps a second between its start and its checks, as a GC pause or a busy host
    // would make it; the clock is honest again afterwards.
    const spy = jest
      .spyOn(performance, 'now')
      .mockImplementation(() => realNow() + (++calls > 1 && calls <= 4 ? 1_000 : 0));
    try {
      const email = await renderNurtureStep(
        { subject: 'Hello', html: '<p>Hi {{ shopper.name }}</p>' },
        variables,
        '1 Harbour Street',
      );
      expect(email.html).toContain('Hi ');
      expect(calls).toBeGreaterThan(4);
    } finally {
      spy.mockRestore();
    }
  });

  test('so is one in the subject or the text part', async () => {
    const slow =
      '{% assign xs = (1..1000) %}{% for a in xs %}{% for b in xs %}{{ b }}{% endfor %}{% endfor %}';
    await expectRefused({ subject: slow, html: '<p>Hi</p>' }, 'subject', 'time', /over 100 ms/);
    await expectRefused({ html: '<p>Hi</p>', text: slow }, 'text', 'time', /over 100 ms/);
  });

  test('output over 512 KiB is refused as soon as it passes the limit', async () => {
    await expectRefused(
      { html: `{% for i in (1..100000) %}${'x'.repeat(1000)}{% endfor %}` },
      'html',
      'size',
      /over 512 KiB/,
    );
  });

  test('the limit counts the subject, HTML and text together, in UTF-8 bytes', async () => {
    // 200 000 and 400 000 bytes: each part is under the limit, both together are over.
    await expectRefused(
      {
        html: `{% for i in (1..200) %}${'x'.repeat(1000)}{% endfor %}`,
        text: `{% for i in (1..400) %}${'y'.repeat(1000)}{% endfor %}`,
      },
      'text',
      'size',
      /subject, HTML and text together/,
    );
    // 180 000 characters, 540 000 bytes.
    await expectRefused(
      { html: `{% for i in (1..180) %}${'€'.repeat(1000)}{% endfor %}` },
      'html',
      'size',
      /over 512 KiB/,
    );
  });

  test('a string doubled each turn of a loop (which liquidjs does not count) is refused', async () => {
    await expectRefused(
      {
        html: '{% capture s %}ab{% endcapture %}{% for i in (1..40) %}{% capture s %}{{ s | raw }}{{ s | raw }}{% endcapture %}{% endfor %}{{ s | size }}',
      },
      'html',
      'size',
      /over 512 KiB/,
    );
  });

  test('an email just under the limit renders whole', async () => {
    const bytes = OUTPUT_LIMIT_BYTES - 30_000;
    const email = await renderNurtureStep(
      { subject: 'Big', html: `{% for i in (1..${bytes / 1000}) %}${'x'.repeat(1000)}{% endfor %}` },
      variables,
      '1 Harbour Street',
    );
    expect(email.html).toContain('x'.repeat(bytes));
    expect(email.text).toContain('x'.repeat(bytes));
  });

  test('a template that fails to render is refused with its line and column, not thrown raw', async () => {
    await expectRefused(
      { html: '<p>Hi</p>\n{{ shopper.nickname }}' },
      'html',
      'template',
      /^line 2, col 4: undefined variable: shopper\.nickname/,
    );
    await expectRefused(
      { html: "<p>\n{% include 'package.json' %}" },
      'html',
      'template',
      /^line 2, col 1: the include tag is not allowed/,
    );
  });

  test('sound templates render as before, every variable escaped', async () => {
    const email = await renderNurtureStep(
      {
        subject: 'For {{ shopper.name }}',
        html: '<p>{{ shopper.name }} is number {{ backorder.position }}</p>',
      },
      { ...variables, shopper: { name: '<b>Bo</b>', email: 'bo@example.com' } },
      '1 Harbour Street',
    );
    expect(email.subject).toBe('For <b>Bo</b>');
    expect(email.html).toContain('&lt;b&gt;Bo&lt;/b&gt; is number 7');
    expect(email.text).toContain('<b>Bo</b> is number 7');
  });
});

describe('the plain-text fallback', () => {
  test('keeps the words, drops markup, style and script', () => {
    expect(
      textFromHtml('<style>p{}</style><p>a &amp;lt; b&nbsp;c</p><br/>d<SCRIPT>x()</script><a href="x">e</a>'),
    ).toBe('a &lt; b c\n\nde');
    // Unclosed elements and stray brackets stay as the words they are.
    expect(textFromHtml('<style>p{}<p>a</p> 1 < 2')).toBe('p{}a\n 1 < 2');
  });

  // Each of these made the regular expressions it replaced rescan to the end from every bracket: minutes of
  // CPU at 512 KiB, long after the render's own limits were met. One pass takes milliseconds; the timeout is
  // a thousand times that.
  test.each([
    ['unclosed style elements', '<style'.repeat(87_000)],
    ['unclosed script elements', '<script a'.repeat(58_000)],
    ['brackets that never close', '<'.repeat(OUTPUT_LIMIT_BYTES)],
  ])(
    'is one pass over %s',
    (_label, html) => {
      expect(textFromHtml(html).length).toBeGreaterThan(0);
    },
    10_000,
  );
});
