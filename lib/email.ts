/**
 * Email: the SES configuration set every message is sent with, the optional verified sender domain, and
 * the one grant that lets a function send: `ses:SendRawEmail`, scoped to that domain and configuration set.
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
}

/** The domain part of `Name <local@domain>` or `local@domain`. */
export const senderDomainOf = (sender: string): string => {
  const match = /@([^\s>]+)>?\s*$/.exec(sender);
  if (!match) throw new Error(`Cannot find the domain of the sender "${sender}"`);
  return match[1].toLowerCase();
};

export class Email extends Construct {
  readonly configurationSet: ses.ConfigurationSet;
  /** The domain whose identity functions may send from. */
  readonly sendingDomain: string;

  constructor(scope: Construct, id: string, props: EmailProps) {
    super(scope, id);
    this.sendingDomain = props.senderDomain ?? senderDomainOf(props.defaultSender);
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

  /** Lets the grantee send raw MIME messages from the sending domain through the configuration set, nothing more. */
  grantSendRawEmail(grantee: iam.IGrantable): iam.Grant {
    const stack = Stack.of(this);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['ses:SendRawEmail'],
      resourceArns: [
        stack.formatArn({ service: 'ses', resource: 'identity', resourceName: this.sendingDomain }),
        stack.formatArn({
          service: 'ses',
          resource: 'configuration-set',
          resourceName: this.configurationSetName,
        }),
      ],
    });
  }
}
