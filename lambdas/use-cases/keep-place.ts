/**
 * "Keep my place" (POST /api/backorders/{id}/keep?token=): the shopper's answer to an expected-date update
 * that asked whether they still want to wait. Keeping is what happens anyway when they do nothing, so the
 * route is harmless to repeat and to follow from an email: a waiting backorder answers 200 whether or not an
 * ask is open (recorded and counted only when one is); one that stopped waiting answers 409.
 */
import { ConflictError } from '../runtime/errors';
import type { Backorder } from '../domain/backorder';
import { askOpen, etaChoiceOf } from '../domain/eta';
import { slipAnswerChanges } from '../domain/funnel';
import { getBackorder } from '../store/backorder-store';
import { recordKept } from '../store/slip-answer-store';

export interface KeptPlace {
  id: string;
  status: 'waiting';
  /** When the shopper chose to keep their place after the last ask; null when no ask was made. */
  keptAt: string | null;
}

export const keepPlace = async (seen: Backorder, nowMs = Date.now()): Promise<KeptPlace> => {
  let backorder: Backorder | undefined = seen;
  for (let attempt = 0; attempt < 3 && backorder; attempt++) {
    if (backorder.status !== 'waiting')
      throw new ConflictError(
        `This backorder is ${backorder.status}: there is no place in the queue to keep`,
      );
    const ask = backorder.etaAsk;
    if (!ask || !askOpen(backorder))
      return { id: backorder.id, status: 'waiting', keptAt: etaChoiceOf(backorder)?.keptAt ?? null };
    const at = new Date(nowMs).toISOString();
    const kept = { version: ask.version, date: ask.date, at };
    if (await recordKept(backorder, kept, slipAnswerChanges(backorder, 'keptAfterSlip', at)))
      return { id: backorder.id, status: 'waiting', keptAt: at };
    // Answered meanwhile (a double click), asked again, or no longer waiting: decided from the backorder now.
    backorder = await getBackorder(backorder.id);
  }
  throw new ConflictError('This backorder changed while keeping its place: try again');
};
