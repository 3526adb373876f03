// @ts-check
/**
 * The one way a console form saves (settings, products, suppliers, webhooks, campaigns): read the form and
 * mark what the form itself can tell is wrong, send it while the button says "Saving…", and show the API's
 * validation details next to the fields they name; any other failure is said in the form's result. Only
 * what differs between forms is passed in.
 */
import { ApiError, describeFailure, SignedOut } from './admin.js';
import { clearFieldErrors, problemList, showFieldErrors, showResult, whileBusy } from './dom.js';

/** @typedef {import('./dom.js').Problem} Problem */

/**
 * Marks each problem at its field, and sums them up in the result (listing those that belong to no field);
 * the first field to correct takes focus.
 * @param {HTMLFormElement} form
 * @param {HTMLElement} result
 * @param {string} summary e.g. "The product was not saved."
 * @param {Problem[]} problems
 */
export function showProblems(form, result, summary, problems) {
  const { unplaced, first } = showFieldErrors(form, problems);
  showResult(
    result,
    'error',
    summary,
    unplaced.length ? problemList(unplaced) : 'The fields to correct are marked below their labels.',
  );
  (first ?? result).focus();
}

/**
 * @template V what the form reads: a request body, or more (an id that travels in the path)
 * @param {object} options
 * @param {HTMLFormElement} options.form
 * @param {HTMLElement} options.result where the outcome is announced
 * @param {HTMLButtonElement} options.saveButton
 * @param {string} options.failure e.g. "The product was not saved."
 * @param {() => {value: V, problems: Problem[]}} options.read the form's content, and what it can tell is wrong
 * @param {(value: V) => Promise<any>} options.save sends it; resolves to the answer, or to problems found on
 *   the way (an id another item has) as {problems}
 * @param {(answer: any, value: V) => void} options.onSaved
 * @param {(details: Problem[], message: string) => Problem[]} [options.placeDetails] the API's details as
 *   the form's paths (an id in the request path is named in the message, not in a detail's path)
 * @param {(summary: string, problems: Problem[]) => void} [options.show] shows problems, when the form
 *   shows them its own way
 */
export function wireFormSave(options) {
  const { form, result, saveButton, failure } = options;
  const show = options.show ?? ((summary, problems) => showProblems(form, result, summary, problems));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    showResult(result);
    const { value, problems } = options.read();
    if (problems.length) {
      show(failure, problems);
      return;
    }
    await whileBusy(saveButton, 'Saving…', async () => {
      try {
        const answer = await options.save(value);
        if (answer && Array.isArray(answer.problems)) show(failure, answer.problems);
        else options.onSaved(answer, value);
      } catch (error) {
        if (error instanceof SignedOut) return;
        if (error instanceof ApiError && error.code === 'VALIDATION') {
          const details = options.placeDetails?.(error.details, error.message) ?? error.details;
          show(failure, details.length ? details : [{ path: '', message: error.message }]);
        } else {
          showResult(result, 'error', `${failure} ${describeFailure(error)}`);
          result.focus();
        }
      }
    });
  });
}

/**
 * placeDetails for a form whose id travels in the request path: a detail without a path, when the message
 * names the id, is put at the id's field.
 * @param {string} idField
 * @param {RegExp} idMessage how the API names the id, e.g. /supplier id/i
 * @returns {(details: Problem[], message: string) => Problem[]}
 */
export const idInPath = (idField, idMessage) => (details, message) =>
  details.map((detail) => (!detail.path && idMessage.test(message) ? { ...detail, path: idField } : detail));
