/**
 * The save step every console editor shares (products, suppliers, webhooks): read the form, mark the fields to
 * correct, PUT the item, and hand the outcome back; the button says it is saving meanwhile. Only what differs
 * between editors is passed in.
 */
import { ApiError, admin, describeFailure, SignedOut } from './admin.js';
import { clearFieldErrors, problemList, showFieldErrors, showResult } from './dom.js';

/**
 * @param {object} options
 * @param {HTMLFormElement} options.form
 * @param {HTMLElement} options.result where the outcome is announced
 * @param {HTMLButtonElement} options.saveButton
 * @param {string} options.saveLabel the button's text when idle
 * @param {string} options.failure e.g. "The product was not saved."
 * @param {() => {id: string, body: object, problems: object[]}} options.read
 * @param {(id: string) => string} options.path the PUT path for an id
 * @param {string} options.idField the form field of the id, which travels in the path
 * @param {RegExp} options.idMessage how the API names the id in a message without a detail path
 * @param {(created: boolean, id: string, body: object) => void} options.onSaved
 */
export function wireEditorSave(options) {
  const { form, result, saveButton, saveLabel, failure } = options;

  const showProblems = (problems) => {
    const { unplaced, first } = showFieldErrors(form, problems);
    showResult(
      result,
      'error',
      failure,
      unplaced.length ? problemList(unplaced) : 'The fields to correct are marked below their labels.',
    );
    (first ?? result).focus();
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    showResult(result);
    const { id, body, problems } = options.read();
    if (problems.length) {
      showProblems(problems);
      return;
    }
    saveButton.disabled = true;
    saveButton.textContent = 'Saving…';
    try {
      const { status } = await admin('PUT', options.path(id), body);
      options.onSaved(status === 201, id, body);
    } catch (error) {
      if (error instanceof SignedOut) return;
      if (error instanceof ApiError && error.code === 'VALIDATION') {
        // The id travels in the path: the API names it in the message rather than in a detail's path.
        const details = error.details.map((detail) =>
          !detail.path && options.idMessage.test(error.message)
            ? { ...detail, path: options.idField }
            : detail,
        );
        showProblems(details.length ? details : [{ path: '', message: error.message }]);
      } else {
        showResult(result, 'error', `${failure} ${describeFailure(error)}`);
        result.focus();
      }
    } finally {
      saveButton.disabled = false;
      saveButton.textContent = saveLabel;
    }
  });
}
