// @ts-check
/**
 * The emails sent to the shopper being looked up (GET /api/admin/emails?email=…): each with its kind,
 * subject and fate, a page at a time, and a campaign email shown as it renders for this shopper now
 * (POST /api/admin/campaigns/{id}/preview) in the email dialog.
 */
import { admin, describeFailure, segment, SignedOut } from './admin.js';
import { byId, closestTo, h, showResult } from './dom.js';
import { formatMoment } from '../format.js';
import { PagedList, counted, pagePath } from './section.js';
import { appendRows, badge, cell, rowsIn } from './cards.js';
import { words } from './lookup-card.js';

const COLUMNS = ['Sent', 'Kind', 'Subject', 'State', 'Campaign step', 'Backorder', 'Actions'];
/** Kinds whose code does not read as words ("Eta update"); the others read as their code does. */
/** @type {Record<string, string>} */
const KIND_WORDS = { etaUpdate: 'Expected date update' };
/** @param {unknown} kind */
const kindWords = (kind) =>
  typeof kind === 'string' && Object.hasOwn(KIND_WORDS, kind) ? KIND_WORDS[kind] : words(kind);

const emailsPart = byId('lookup-emails-part');
const emailsTitle = byId('lookup-emails-title');
const emailsResult = byId('lookup-emails-result');
const emailsBox = byId('lookup-emails');
const emailDialog = byId('email-dialog', window.HTMLDialogElement);

/** The address whose emails are shown. */
let emailsOf = '';

const pages = new PagedList({
  moreButton: byId('lookup-emails-more', window.HTMLButtonElement),
  fetchPage: async (cursor) =>
    (await admin('GET', pagePath(`/api/admin/emails?${new URLSearchParams({ email: emailsOf })}`, cursor)))
      .body,
  append: (items) => {
    appendRows(emailsBox, emailsTitle.textContent ?? '', COLUMNS, items.map(emailRow));
    const count = rowsIn(emailsBox).length;
    showResult(
      emailsResult,
      'info',
      count === 0 ? 'No emails were sent to this address.' : `${counted(count, 'email')}.`,
    );
  },
  failed: (error) =>
    showResult(emailsResult, 'error', `The emails could not be loaded. ${describeFailure(error)}`),
  count: () => rowsIn(emailsBox).length,
  entry: () => null,
});

/**
 * Shows the emails sent to `email`, or hides the part when the search is not by address.
 * @param {string} email
 */
export async function showEmails(email) {
  emailsOf = email;
  emailsBox.replaceChildren();
  pages.restart();
  emailsPart.hidden = !email;
  if (!email) return;
  emailsTitle.textContent = `Emails sent to ${email}`;
  await pages.next();
}

/** @param {any} email */
function emailRow(email) {
  const canShow = email.campaignId && email.stepId;
  const outcome = outcomeOf(email);
  return h(
    'tr',
    { dataset: { emailId: email.emailId ?? '' } },
    cell(
      'Sent',
      formatMoment(email.sentAt) ??
        (email.claimedAt
          ? `not sent (since ${formatMoment(email.claimedAt) ?? email.claimedAt})`
          : 'not sent'),
    ),
    cell('Kind', kindWords(email.kind)),
    cell('Subject', email.subject ?? '—'),
    cell('State', badge(stateKind(outcome), words(outcome))),
    cell(
      'Campaign step',
      email.campaignId
        ? [h('span', { className: 'mono' }, email.campaignId), email.stepId ? ` / ${email.stepId}` : '']
        : '—',
    ),
    cell('Backorder', email.backorderId ? h('span', { className: 'mono' }, email.backorderId) : '—'),
    cell(
      'Actions',
      canShow
        ? h(
            'button',
            {
              type: 'button',
              className: 'button button--secondary button--small',
              dataset: {
                campaignId: email.campaignId,
                stepId: email.stepId,
                backorderId: email.backorderId ?? '',
              },
            },
            'Show',
            h('span', { className: 'visually-hidden' }, ` ${email.subject ?? 'this email'}`),
          )
        : '—',
    ),
  );
}

/**
 * The state of a send record, or what SES reported about it afterwards (a bounce, a complaint).
 * @param {any} email
 */
function outcomeOf(email) {
  if (email.complaint) return 'complained';
  if (email.bounce) return email.bounce.type === 'permanent' ? 'bounced' : 'soft-bounced';
  return email.state;
}

/** @param {string|undefined} state */
function stateKind(state) {
  if (/bounce|complain|fail|suppress/i.test(state ?? '')) return 'off';
  if (/sent|deliver/i.test(state ?? '')) return 'on';
  return 'neutral';
}

/** Shows a campaign email as it renders for this shopper now (the campaign's saved version). */
emailsBox.addEventListener('click', async (event) => {
  const button = /** @type {HTMLButtonElement|null} */ (closestTo(event, 'button[data-campaign-id]'));
  if (!button) return;
  const { campaignId = '', stepId, backorderId } = button.dataset;
  button.disabled = true;
  try {
    // {} is the default sample; sent either way, as the endpoint has required the field.
    const request = { stepId, sample: backorderId ? { backorderId } : {} };
    const { body } = await admin('POST', `/api/admin/campaigns/${segment(campaignId)}/preview`, request);
    byId('email-dialog-title').textContent = body?.subject || 'Email';
    byId('email-dialog-body').replaceChildren(
      h(
        'p',
        { className: 'field-hint' },
        'Rendered from the campaign as it is saved now, with this shopper’s details. If the campaign was edited after sending, the email they got may differ.',
      ),
      h('iframe', {
        className: 'preview-frame',
        srcdoc: body?.html ?? '',
        attrs: { sandbox: '', title: `HTML of ${body?.subject ?? 'the email'}` },
      }),
      h('h3', { className: 'preview-text-heading' }, 'Plain-text version'),
      h('pre', { className: 'preview-text' }, body?.text ?? ''),
    );
    emailDialog.addEventListener('close', () => button.focus(), { once: true });
    emailDialog.showModal();
  } catch (error) {
    if (error instanceof SignedOut) return;
    showResult(emailsResult, 'error', `The email could not be shown. ${describeFailure(error)}`);
  } finally {
    button.disabled = false;
  }
});
