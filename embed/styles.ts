/**
 * The embed's one stylesheet, inside its shadow root: the shop's CSS cannot reach these elements, and these
 * rules cannot reach the shop's page.
 *
 * What does cross the boundary is inheritance from the host element, which a shop's `* { … !important }`
 * styles like any other element. So the host resets everything (`all: initial`), and `.root` sets every
 * inherited property the form relies on itself, in px and em only: `rem` follows the shop's root font size.
 *
 * Theming is through custom properties on the element (they do inherit through the boundary, by design):
 * --backorder-accent, --backorder-on-accent, --backorder-text, --backorder-muted, --backorder-background,
 * --backorder-border, --backorder-danger, --backorder-success, --backorder-focus, --backorder-font,
 * --backorder-font-size, --backorder-radius (docs/embed.md).
 */
export const STYLES = `
:host {
  all: initial;
  display: block;
  --accent: var(--backorder-accent, #1d4ed8);
  --on-accent: var(--backorder-on-accent, #fff);
  --text: var(--backorder-text, #1a1d23);
  --muted: var(--backorder-muted, #4a5261);
  --bg: var(--backorder-background, #fff);
  --border: var(--backorder-border, #8a93a3);
  --danger: var(--backorder-danger, #b42318);
  --success: var(--backorder-success, #067647);
  --focus: var(--backorder-focus, #f59e0b);
  --radius: var(--backorder-radius, 8px);
}
:host([hidden]) { display: none; }
[hidden] { display: none !important; }
*, *::before, *::after { box-sizing: border-box; }
.root {
  display: block;
  max-width: 100%;
  margin: 0;
  padding: 1em;
  color: var(--text);
  background: var(--bg);
  border: 1px solid var(--border);
  border-radius: var(--radius);
  font-family: var(--backorder-font, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif);
  font-size: var(--backorder-font-size, 16px);
  font-weight: 400;
  font-style: normal;
  line-height: 1.5;
  text-align: start;
  text-transform: none;
  text-indent: 0;
  letter-spacing: normal;
  word-spacing: normal;
  white-space: normal;
  overflow-wrap: anywhere;
  visibility: visible;
  cursor: auto;
}
p { margin: 0 0 0.75em; }
.name { font-size: 1.25em; font-weight: 700; line-height: 1.25; margin-bottom: 0.5em; }
.muted, .hint, .optional { color: var(--muted); }
.hint, .error, .small { font-size: 0.9em; margin: 0.375em 0 0; }
.small { margin-top: 1em; }
.error { color: var(--danger); font-weight: 600; }
a { color: var(--accent); text-underline-offset: 0.15em; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.notice, .result:not(:empty) {
  border: 1px solid var(--border);
  border-left-width: 0.35em;
  border-radius: var(--radius);
  padding: 0.75em 1em 0;
  margin: 1em 0;
}
.notice.bad, .result.result--error:not(:empty) { border-color: var(--danger); }
.result.result--success:not(:empty) { border-color: var(--success); }
.result:focus:not(:focus-visible) { outline: none; }
.field { margin: 0 0 1.25em; padding: 0; border: 0; min-width: 0; }
label, legend { display: block; font-weight: 600; margin: 0 0 0.375em; padding: 0; }
.optional { font-weight: 400; }
input, select, button { font: inherit; color: inherit; letter-spacing: inherit; margin: 0; }
input[type='email'], input[type='text'], input[type='number'], select {
  display: block;
  width: 100%;
  min-height: 2.75em;
  padding: 0.5em 0.75em;
  color: var(--text);
  background: var(--bg);
  border: 2px solid var(--border);
  border-radius: var(--radius);
}
input[type='number'] { max-width: 8em; }
[aria-invalid='true'] input, input[aria-invalid='true'] { border-color: var(--danger); }
.choices { display: flex; flex-wrap: wrap; gap: 0.5em 1.5em; }
.choice, .check { display: grid; grid-template-columns: auto 1fr; align-items: start; column-gap: 0.625em; }
.choice label, .check label { font-weight: 400; margin: 0; }
.check .hint, .check .error { grid-column: 2; }
.choices .hint { flex-basis: 100%; }
input[type='radio'], input[type='checkbox'] { width: 1.375em; height: 1.375em; margin: 0.1em 0 0; accent-color: var(--accent); }
.hp { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }
button {
  display: inline-block;
  min-height: 2.75em;
  padding: 0.5em 1.25em;
  font-weight: 600;
  color: var(--on-accent);
  background: var(--accent);
  border: 2px solid var(--accent);
  border-radius: var(--radius);
  cursor: pointer;
}
button.secondary { color: var(--accent); background: transparent; }
button:disabled { opacity: 0.65; cursor: progress; }
button[type='submit'] { width: 100%; }
`;
