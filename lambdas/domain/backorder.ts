/**
 * The backorder: what a shopper asked for, where they stand, and what happened to it. Pure rules only;
 * persistence lives in lambdas/store/.
 */

export const SEGMENTS = ['b2c', 'b2b'] as const;
export type Segment = (typeof SEGMENTS)[number];

export const STATUSES = ['waiting', 'allocated', 'fulfilled', 'cancelled'] as const;
export type BackorderStatus = (typeof STATUSES)[number];

/** Statuses in which a shopper holds a claim on the product: a second signup returns this backorder. */
export const ACTIVE_STATUSES: readonly BackorderStatus[] = ['waiting', 'allocated'];

export type BackorderEventType = 'created' | 'cancelled' | 'allocated' | 'fulfilled' | 'consent_confirmed';

export interface BackorderEvent {
  at: string;
  type: BackorderEventType;
  /** Who caused it: "shopper", "system", or the administrator's identity. */
  by?: string;
}

export interface Backorder {
  id: string;
  sku: string;
  email: string;
  /** Lower-cased, trimmed email: the identity of a shopper. */
  emailKey: string;
  quantity: number;
  name?: string;
  company?: string;
  segment: Segment;
  marketingConsent: boolean;
  locale: string;
  status: BackorderStatus;
  createdAt: string;
  updatedAt: string;
  /** createdAt#id: the total order of the queue, oldest first. */
  queueKey: string;
  /** SHA-256 of every status link token issued (the confirmation's, and one per marketing email). */
  statusTokenHashes: string[];
  /** When marketing consent became effective: at signup, or when confirmed under double opt-in. */
  consentedAt?: string;
  /** When free units were set aside for it (status `allocated`). */
  allocatedAt?: string;
  events: BackorderEvent[];
}

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export const queueKeyOf = (createdAt: string, id: string): string => `${createdAt}#${id}`;

/** 1-based place among the product's waiting backorders, given how many wait ahead; null once not waiting. */
export const positionOf = (status: BackorderStatus, waitingAhead: number): number | null =>
  status === 'waiting' ? waitingAhead + 1 : null;
