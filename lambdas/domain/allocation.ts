/**
 * The allocation rule, pure: free units go to waiting backorders oldest first, whole backorders only.
 * A backorder that needs more units than remain keeps its place, and later ones that fit are still served,
 * so one large order never blocks a line of small ones (and still comes first when enough stock arrives).
 */

export interface WaitingDemand {
  id: string;
  quantity: number;
}

export interface AllocationPlan {
  /** The backorders to allocate, in queue order. */
  allocate: WaitingDemand[];
  /** Units they take together. */
  units: number;
  /** Free units left afterwards. */
  remaining: number;
}

/** Plans one page of the queue (given oldest first) against `free` units. Deterministic. */
export const planAllocation = (free: number, waiting: readonly WaitingDemand[]): AllocationPlan => {
  const allocate: WaitingDemand[] = [];
  let remaining = Math.max(0, Math.floor(free));
  for (const demand of waiting) {
    if (remaining === 0) break;
    if (demand.quantity >= 1 && demand.quantity <= remaining) {
      allocate.push(demand);
      remaining -= demand.quantity;
    }
  }
  return { allocate, units: Math.max(0, Math.floor(free)) - remaining, remaining };
};
