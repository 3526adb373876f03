// @ts-check
/**
 * Live preview of one nurture step while a marketer types: after a pause (300 ms) the step's templates go
 * to POST /api/admin/templates/preview, and the answer shows as the subject, the HTML inside a sandboxed
 * frame (sandbox="" runs no script and has no origin), and the plain text. Template errors ("line 2, col
 * 5: unknown variable shopper.nmae") show next to the field they are in.
 *
 * Answers can arrive out of order; only the newest request's answer is shown.
 */
import { ApiError, admin, describeFailure, SignedOut } from './admin.js';
import { pathOf } from './dom.js';

export const PREVIEW_DELAY_MS = 300;
const TEMPLATE_FIELDS = ['subject', 'html', 'text'];

/**
 * @typedef {object} PreviewTarget
 * @property {() => {subject:string, html:string, text:string}} read the step's templates as typed now
 * @property {() => string} [emptyText] what the preview says while the subject and HTML body are empty
 * @property {() => ({backorderId?:string})} sample what to fill the variables with; {} for the default
 * @property {(field:'subject'|'html'|'text'|'sample', message:string) => boolean} showError whether it is on screen
 * @property {() => void} clearErrors removes the errors a previous preview showed
 * @property {{state:HTMLElement, subject:HTMLElement, frame:HTMLIFrameElement, text:HTMLElement, box:HTMLElement,
 *   announce:(text:string) => void}} out where the preview shows, and how news is told to screen readers
 */

/**
 * One step's preview. `schedule()` after every edit; `now()` to render at once.
 * @param {PreviewTarget} target
 */
export function livePreview(target) {
  let timer = null;
  let latest = 0;
  let lastState = '';

  let lastKind = 'empty';

  function setState(text, kind) {
    if (text !== lastState) {
      target.out.state.textContent = text;
      lastState = text;
    }
    target.out.state.dataset.kind = kind;
    target.out.box.classList.toggle('preview--stale', kind !== 'ok');
    // Screen readers hear only what matters while typing: a template error appearing, changing or going
    // away. "Updating…" and "up to date" after every pause would drown the typing out.
    if (kind === 'error') target.out.announce(text);
    else if (kind === 'ok' && lastKind === 'error')
      target.out.announce('Template errors fixed; preview updated.');
    if (kind !== 'busy') lastKind = kind;
  }

  async function render() {
    timer = null;
    const request = ++latest;
    const { subject, html, text } = target.read();
    if (!subject.trim() && !html.trim()) {
      target.clearErrors();
      target.out.subject.textContent = '';
      target.out.frame.srcdoc = '';
      target.out.text.textContent = '';
      setState(target.emptyText?.() ?? 'Type a subject and an HTML body to see the preview.', 'empty');
      return;
    }
    const body = { subject, html };
    if (text.trim()) body.text = text;
    // Always sent, {} meaning "the default sample": the draft endpoint has required the field.
    body.sample = target.sample();
    setState('Updating the preview…', 'busy');
    try {
      const { body: rendered } = await admin('POST', '/api/admin/templates/preview', body);
      if (request !== latest) return;
      target.clearErrors();
      target.out.subject.textContent = rendered?.subject ?? '';
      target.out.frame.srcdoc = rendered?.html ?? '';
      target.out.text.textContent = rendered?.text ?? '';
      setState('Preview up to date.', 'ok');
    } catch (error) {
      if (request !== latest) return;
      if (error instanceof SignedOut) return;
      target.clearErrors();
      if (error instanceof ApiError && error.code === 'VALIDATION' && error.details.length) {
        const placed = placeErrors(target, error.details);
        setState(
          placed
            ? `Preview not updated: ${error.details.length === 1 ? 'a template error is' : `${error.details.length} template errors are`} marked in this step.`
            : `Preview not updated: ${error.details.map((detail) => detail.message).join('; ')}`,
          'error',
        );
      } else if (error instanceof ApiError && error.status === 404 && target.sample().backorderId) {
        target.showError('sample', 'No backorder has this id.');
        setState('Preview not updated: the backorder for the sample was not found.', 'error');
      } else {
        setState(`Preview not updated. ${describeFailure(error)}`, 'error');
      }
    }
  }

  return {
    schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(render, PREVIEW_DELAY_MS);
    },
    now() {
      window.clearTimeout(timer);
      return render();
    },
    cancel() {
      window.clearTimeout(timer);
      latest += 1;
    },
  };
}

/** Puts each detail next to its field; returns whether any found one. */
function placeErrors(target, details) {
  let placed = false;
  for (const detail of details) {
    const path = pathOf(detail);
    const message =
      typeof detail.message === 'string' && detail.message ? detail.message : 'Check this template.';
    // "html", "steps.0.html" and "template.html" all name the html field.
    const field = path
      .split('.')
      .reverse()
      .find((part) => TEMPLATE_FIELDS.includes(part));
    if (field) placed = target.showError(field, message) || placed;
    else if (path.startsWith('sample') || path.endsWith('backorderId'))
      placed = target.showError('sample', message) || placed;
  }
  return placed;
}
