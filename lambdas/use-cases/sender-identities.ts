/**
 * The console may choose as sender only an identity SES lets the platform send from: the functions' IAM grant
 * names exactly the verified identities (lib/email.ts), so a From outside them would fail at every send.
 * Saving the settings refuses it up front, on the From field, with the identities that would do.
 */
import { senderIdentities } from '../runtime/config';
import { ValidationError } from '../runtime/errors';

/** The address of `Name <local@domain>`, or the bare address, lower-cased (the schema checked its form). */
const addressOf = (mailbox: string): string => {
  const named = /<([^<>]+)>\s*$/.exec(mailbox);
  return (named ? named[1] : mailbox).trim().toLowerCase();
};

/**
 * Throws 400 VALIDATION on `sender.from` unless its address, or its address's domain, is a verified identity.
 * A subdomain is not its parent domain: SES authorizes the identity the address falls under, and only the
 * identities listed are granted.
 */
export const assertVerifiedSender = (settings: { sender?: { from?: string } }): void => {
  const from = settings.sender?.from;
  const verified = senderIdentities();
  if (from === undefined || verified === '*') return;
  const address = addressOf(from);
  const domain = address.slice(address.lastIndexOf('@') + 1);
  if (verified.includes(address) || verified.includes(domain)) return;
  const message = `${domain} is not a verified sending identity; verified: ${verified.join(', ')}`;
  throw new ValidationError('The settings are not valid', [{ path: 'sender.from', message }]);
};
