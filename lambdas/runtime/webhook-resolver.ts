/**
 * Name resolution for webhook endpoints, the one place the platform asks where a shop's endpoint is: every
 * address of a name (node:dns lookup, all of them), for the check when an endpoint is saved and for the
 * connection of each delivery. `checkedLookup` is what the delivery's socket connects through: it judges
 * every address it hands over, so the socket can only reach an address that was checked (a name that answers
 * a public address to the check and a private one to the connection gets nowhere).
 */
import type { LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { refusedAddress, type EgressPolicy } from '../domain/webhook-address';

/** A test's stand-in for DNS: a name's addresses, or undefined to leave the name to the system resolver. */
export type WebhookResolver = (
  name: string,
) => readonly string[] | undefined | Promise<readonly string[] | undefined>;

let standIn: WebhookResolver | undefined;

/**
 * Tests only (the local runner's `webhookResolver` option): names answered before the system resolver is
 * asked. Nothing deployed calls this.
 */
export const resolveWebhookHostsWith = (resolver: WebhookResolver | undefined): void => {
  standIn = resolver;
};

const familyOf = (address: string): 4 | 6 => (address.includes(':') ? 6 : 4);

/** Every address of a name; rejects with the resolver's error (ENOTFOUND, EAI_AGAIN …) when there is none. */
export const resolveHost = async (name: string): Promise<LookupAddress[]> => {
  const answered = standIn ? await standIn(name) : undefined;
  if (answered) return answered.map((address) => ({ address, family: familyOf(address) }));
  return lookup(name, { all: true, verbatim: true });
};

/** A name lookup that would hand the socket an address it must not reach. */
export class AddressRefused extends Error {
  override name = 'AddressRefused';
  constructor(
    /** The range of the first address refused ("private", "link-local" …). */
    readonly range: string,
  ) {
    super(`the name resolves to a ${range} address`);
  }
}

/**
 * The `lookup` of a delivery's request: resolves the name, refuses the whole lookup if any address is
 * forbidden for this scheme and policy (the connection fails with `AddressRefused`, nothing is sent), and
 * otherwise hands over exactly the addresses it checked.
 */
export const checkedLookup =
  (protocol: string, policy: EgressPolicy): LookupFunction =>
  (hostname, options, callback) => {
    resolveHost(hostname).then(
      (addresses) => {
        const refused = addresses.map((a) => refusedAddress(a.address, protocol, policy)).find(Boolean);
        if (refused) return callback(new AddressRefused(refused), '');
        const usable = options.family ? addresses.filter((a) => a.family === options.family) : addresses;
        if (usable.length === 0) {
          const none: NodeJS.ErrnoException = new Error(`no address for ${hostname}`);
          none.code = 'ENOTFOUND';
          return callback(none, '');
        }
        if (options.all) callback(null, usable);
        else callback(null, usable[0].address, usable[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
