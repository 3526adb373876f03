/**
 * Small pages the API answers with directly (the consent confirmation link opens in a browser), rendered
 * with the HTML-escaping Liquid engine like every email.
 */
import { htmlEngine } from './templating';

const PAGE = htmlEngine.parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title></head>
<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#18181b">
<h1 style="font-size:1.5rem">{{ title }}</h1><p>{{ message }}</p>
{% if link != "" %}<p><a href="{{ link }}">{{ linkText }}</a></p>{% endif %}
</body></html>`);

export const simplePage = (title: string, message: string, link = '', linkText = ''): Promise<string> =>
  htmlEngine.render(PAGE, { title, message, link, linkText });
