/**
 * The allocation rule, by property: whatever the queue and the free units, it never allocates more than is
 * free, only whole backorders, in queue order, serving a later one only when an earlier one did not fit, and
 * the same input always gives the same plan.
 */
import fc from 'fast-check';
import { planAllocation, type WaitingDemand } from '../../lambdas/domain/allocation';

const queue = fc
  .array(fc.integer({ min: 1, max: 12 }), { maxLength: 60 })
  .map((quantities): WaitingDemand[] => quantities.map((quantity, i) => ({ id: `b${i}`, quantity })));
const free = fc.integer({ min: 0, max: 200 });

const RUNS = { numRuns: 2000 };

describe('planAllocation', () => {
  test('never allocates more units than are free, and accounts for every unit', () => {
    fc.assert(
      fc.property(free, queue, (units, waiting) => {
        const plan = planAllocation(units, waiting);
        const used = plan.allocate.reduce((sum, d) => sum + d.quantity, 0);
        expect(used).toBe(plan.units);
        expect(plan.units).toBeLessThanOrEqual(units);
        expect(plan.units + plan.remaining).toBe(units);
      }),
      RUNS,
    );
  });

  test('allocates whole backorders from the queue, in queue order, each at most once', () => {
    fc.assert(
      fc.property(free, queue, (units, waiting) => {
        const plan = planAllocation(units, waiting);
        const positions = plan.allocate.map((d) => waiting.indexOf(d));
        expect(positions.every((p) => p >= 0)).toBe(true);
        expect([...positions].sort((a, b) => a - b)).toEqual(positions);
        expect(new Set(positions).size).toBe(positions.length);
      }),
      RUNS,
    );
  });

  test('FIFO among those that fit: a skipped backorder needed more than was left when its turn came', () => {
    fc.assert(
      fc.property(free, queue, (units, waiting) => {
        const plan = planAllocation(units, waiting);
        const chosen = new Set(plan.allocate);
        let left = units;
        for (const demand of waiting) {
          if (chosen.has(demand)) left -= demand.quantity;
          else expect(demand.quantity).toBeGreaterThan(left);
        }
      }),
      RUNS,
    );
  });

  test('deterministic: the same queue and units always give the same plan', () => {
    fc.assert(
      fc.property(free, queue, (units, waiting) => {
        expect(planAllocation(units, waiting)).toEqual(planAllocation(units, [...waiting]));
      }),
      RUNS,
    );
  });

  test('planning page after page spends units exactly as planning the whole queue at once', () => {
    fc.assert(
      fc.property(free, queue, fc.integer({ min: 1, max: 20 }), (units, waiting, pageSize) => {
        const whole = planAllocation(units, waiting);
        let left = units;
        const paged: WaitingDemand[] = [];
        for (let i = 0; i < waiting.length && left > 0; i += pageSize) {
          const page = planAllocation(left, waiting.slice(i, i + pageSize));
          paged.push(...page.allocate);
          left = page.remaining;
        }
        expect(paged).toEqual(whole.allocate);
        expect(left).toBe(whole.remaining);
      }),
      RUNS,
    );
  });

  test('the worked example: a large order keeps its place while smaller ones behind it are served', () => {
    const plan = planAllocation(3, [
      { id: 'a', quantity: 1 },
      { id: 'b', quantity: 3 },
      { id: 'c', quantity: 1 },
      { id: 'd', quantity: 2 },
    ]);
    expect(plan.allocate.map((d) => d.id)).toEqual(['a', 'c']);
    expect(plan.remaining).toBe(1);
    expect(planAllocation(0, [{ id: 'a', quantity: 1 }]).allocate).toEqual([]);
  });
});
