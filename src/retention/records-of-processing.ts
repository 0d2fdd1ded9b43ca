import type { RetentionPeriod } from '../../contracts/events/retention.events';
import type { AppConfig } from '../config/app-config';
import type { RetentionPolicy, RetentionRuleName } from './retention-policy';

export interface Recipient {
  recipient: string;
  role: 'recipient' | 'processor';
  note: string;
}

/**
 * The record of processing activities (GDPR Art. 30(1)) of Sjældne-netværket. What does not
 * change with the deployment is declared here; the retention periods come from the retention
 * policy and the email processor from the configuration, so the record says what the service does.
 */
const DESCRIPTION = {
  controller: { name: 'Sjældne Diagnoser', processing: 'Sjældne-netværket, the contact network for people with a rare diagnosis and their relatives' },
  purposes: [
    'The contact network: each member receives the contact list of their diagnosis group (or of the cluster of groups they consented to), and an updated list when members join',
    'Network newsletters (June and December), for members who opted in',
    'Invitations to meet-ups (Sjældne-træf), for members who opted in',
    'An invitation to the diagnosis group’s Facebook group, for members who opted in',
    'Handling of requests under data-protection rights (GDPR Art. 12-22)',
  ],
  legalBases: [
    'Explicit consent (GDPR Art. 6(1)(a) and 9(2)(a)); newsletters, meet-up and Facebook invitations are separate consents',
    'Legal obligation (GDPR Art. 6(1)(c)) for handling rights requests and keeping the logs that show lawful processing',
  ],
  dataSubjects: ['Members: people with a rare disease or disability (patients)', 'Relatives acting for a patient (e.g. the parent or guardian of a child)'],
  dataCategories: [
    'Contact details: name, postal address, phone number, email address',
    'Health data (GDPR Art. 9): membership of a diagnosis group reveals the diagnosis',
    'Consent records: who gave consent, the consent text version, language, time, channel, scope and shared fields, the birth year that decides the consent age, opt-ins and withdrawals',
  ],
  recipients: [
    {
      recipient: 'Other members of the same diagnosis group, or of the cluster of groups the member consented to',
      role: 'recipient',
      note: 'Only the fields the member chose to share; restricted and withdrawn members are on no list',
    },
  ] satisfies Recipient[],
  thirdCountryTransfers: [
    {
      country: 'Greenland',
      safeguard: 'No adequacy decision: a contact list goes to a member in Greenland only with the explicit consent of each member on it to that transfer (GDPR Art. 49(1)(a))',
    },
    { country: 'Faroe Islands', safeguard: 'Adequacy decision (Commission Decision 2010/146/EU)' },
  ],
  securityMeasures: [
    'Crypto-shredding: each member’s personal data is encrypted under a key of their own (AES-256-GCM); erasure destroys the key',
    'A hash-chained, append-only disclosure log of every contact list sent: whose data reached whom, and when',
    'A staff access log of every look-up of a member’s personal data, with its purpose',
  ],
};

export interface RetentionEntry {
  rule: RetentionRuleName;
  data: string;
  keptFor: RetentionPeriod | 'until-expiry';
  countedFrom: string;
  /** The rule in words, e.g. "Erased (encryption key destroyed) 12 months after the withdrawal". */
  description: string;
}

export type RecordOfProcessing = Omit<typeof DESCRIPTION, 'recipients'> & { recipients: Recipient[]; retention: RetentionEntry[] };

type Deployment = Pick<AppConfig, 'MAIL_TRANSPORT' | 'AWS_REGION' | 'SIGN_IN_LINK_TTL_MINUTES' | 'MEMBER_SESSION_TTL_MINUTES'>;

export function recordOfProcessing(policy: RetentionPolicy, deployment: Deployment): RecordOfProcessing {
  const processors: Recipient[] =
    deployment.MAIL_TRANSPORT === 'ses'
      ? [{ recipient: `Amazon Web Services: Amazon SES, region ${deployment.AWS_REGION}`, role: 'processor', note: 'Sends the network’s emails, contact lists included' }]
      : [];
  return {
    ...DESCRIPTION,
    recipients: [...DESCRIPTION.recipients, ...processors],
    retention: (Object.entries(policy) as Array<[RetentionRuleName, RetentionPolicy[RetentionRuleName]]>).map(([rule, { data, keptFor, countedFrom, action }]) => ({
      rule,
      data,
      keptFor,
      countedFrom,
      description:
        keptFor === 'until-expiry'
          ? `Deleted once expired (sign-in links after ${deployment.SIGN_IN_LINK_TTL_MINUTES} minutes, sessions after ${deployment.MEMBER_SESSION_TTL_MINUTES} minutes)`
          : `${action === 'erase-members' ? 'Erased (encryption key destroyed)' : 'Deleted'} ${period(keptFor)} after ${countedFrom}`,
    })),
  };
}

function period(keptFor: RetentionPeriod): string {
  const [count, unit] = 'days' in keptFor ? [keptFor.days, 'day'] : [keptFor.months, 'month'];
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** The record as a readable document. */
export function recordAsMarkdown(record: RecordOfProcessing): string {
  const list = (items: string[]) => items.map((item) => `- ${item}`).join('\n');
  return [
    '# Record of processing activities (GDPR Art. 30)',
    `## Controller\n${record.controller.name}: ${record.controller.processing}.`,
    `## Purposes\n${list(record.purposes)}`,
    `## Legal bases\n${list(record.legalBases)}`,
    `## Categories of data subjects\n${list(record.dataSubjects)}`,
    `## Categories of personal data\n${list(record.dataCategories)}`,
    `## Recipients\n${list(record.recipients.map((recipient) => `${recipient.recipient} (${recipient.role}): ${recipient.note}`))}`,
    `## Transfers to third countries\n${list(record.thirdCountryTransfers.map((transfer) => `${transfer.country}: ${transfer.safeguard}`))}`,
    `## Retention periods\n| Data | Retention |\n| --- | --- |\n${record.retention.map((entry) => `| ${entry.data} | ${entry.description} |`).join('\n')}`,
    `## Security measures\n${list(record.securityMeasures)}`,
  ].join('\n\n') + '\n';
}
