/**
 * Email: the SES configuration set every message is sent with, the optional verified sender domain, the
 * identities the platform may send from, and the one grant that lets a function send: `ses:SendRawEmail`,
 * on each of those identities and the configuration set, nothing else.
 *
 * Bounce and complaint events are published by lib/feedback.ts (configuration set event destination → SNS →
 * feedback queue → feedback function → our suppression list, which stops marketing email). The configuration
 * set's own suppression covers bounces only, so complainers still get transactional email (restock alerts).
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface EmailProps {
  /** Domain to verify as an SES identity (DKIM records are printed by SES); omit to use one verified by hand. */
  readonly senderDomain?: string;
  /** Sender used until a marketer saves one in the settings, e.g. `Shop <no-reply@shop.example>`. */
  readonly defaultSender: string;
  /**
   * SES identities (domains, addresses) verified in the account that the console may choose a sender from.
   * @default the sender domain, else the default sender's domain
   */
  readonly senderIdentities?: readonly string[];
}

/** The domain part of `Name <local@domain>` or `local@domain`. */
export const senderDomainOf = (sender: string): string => {
  const match = /@([^\s>]+)>?\s*$/.exec(sender);
  if (!match) throw new Error(`Cannot find the domain of the sender "${sender}"`);
  return match[1].toLowerCase();
};

/** A domain (`shop.example`) or an address (`news@shop.example`), lower case; no wildcard, no "*". */
const IDENTITY = /^(?:[^\s@,*]+@)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;

/** The address of `Name <local@domain>` or `local@domain`, lower case. */
const senderAddressOf = (sender: string): string => {
  const named = /<([^<>]+)>\s*$/.exec(sender);
  return (named ? named[1] : sender).trim().toLowerCase();
};

/**
 * The identities, checked: each one a plain domain or address (a deployed "*" would let the console pick any
 * sender; only the local runner, whose SES emulator verifies nothing, uses it), and the default sender among
 * them, or every email sent before a marketer saves settings would be refused by SES.
 */
export const checkedSenderIdentities = (identities: readonly string[], defaultSender: string): string[] => {
  const checked = [...new Set(identities.map((identity) => identity.trim().toLowerCase()))];
  if (checked.length === 0) throw new Error('senderIdentities must name at least one SES identity');
  for (const identity of checked) {
    if (!IDENTITY.test(identity))
      throw new Error(`senderIdentities must be domains or addresses verified in SES, got "${identity}"`);
  }
  const address = senderAddressOf(defaultSender);
  if (!checked.includes(address) && !checked.includes(senderDomainOf(defaultSender)))
    throw new Error(`The default sender ${address} is not among senderIdentities (${checked.join(', ')})`);
  return checked;
};

export class Email extends Construct {
  readonly configurationSet: ses.ConfigurationSet;
  /** The SES identities functions may send from (SENDER_IDENTITIES): domains and addresses. */
  readonly senderIdentities: readonly string[];

  constructor(scope: Construct, id: string, props: EmailProps) {
    super(scope, id);
    this.senderIdentities = checkedSenderIdentities(
      props.senderIdentities ?? [props.senderDomain ?? senderDomainOf(props.defaultSender)],
      props.defaultSender,
    );
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      // Bounces only: an address that does not exist is pointless to write to, but a shopper who marked a
      // marketing email as spam still gets their restock alert; our own list stops their marketing email.
      suppressionReasons: ses.SuppressionReasons.BOUNCES_ONLY,
    });
    if (props.senderDomain) {
      new ses.EmailIdentity(this, 'SenderDomain', {
        identity: ses.Identity.domain(props.senderDomain),
        configurationSet: this.configurationSet,
      });
    }
  }

  get configurationSetName(): string {
    return this.configurationSet.configurationSetName;
  }

  /** Lets the grantee send raw MIME messages from the sender identities, through the configuration set. */
  grantSendRawEmail(grantee: iam.IGrantable): iam.Grant {
    const stack = Stack.of(this);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['ses:SendRawEmail'],
      resourceArns: [
        ...this.senderIdentities.map((identity) =>
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
        ),
        stack.formatArn({
          service: 'ses',
          resource: 'configuration-set',
          resourceName: this.configurationSetName,
        }),
      ],
    });
  }
}
