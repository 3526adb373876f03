/**
 * A shopper's answer "keep my place" to an expected-date update that asked (lambdas/domain/eta.ts): `etaKept`
 * and the `eta_kept` event on the backorder, with the `keptAfterSlip` counter in the same transaction, so the
 * answer is counted once however often it is given.
 */
import type { Backorder } from '../domain/backorder';
import type { CounterChanges } from '../domain/statistics';
import { markOnce } from './once-mark';

/**
 * Records the answer to the ask of `version`, if the backorder still waits and that ask is still open. False
 * when it is not (another request recorded it, a later ask came, or it stopped waiting): read it again.
 */
export const recordKept = (
  backorder: Pick<Backorder, 'id'>,
  kept: NonNullable<Backorder['etaKept']>,
  counters: CounterChanges,
): Promise<boolean> =>
  markOnce(
    backorder.id,
    {
      set: { etaKept: kept },
      event: { at: kept.at, type: 'eta_kept', by: 'shopper' },
      condition:
        '#status = :waiting AND etaAsk.version = :version AND ' +
        '(attribute_not_exists(etaKept) OR etaKept.version <> :version)',
      values: { ':waiting': 'waiting', ':version': kept.version },
    },
    counters,
  );
