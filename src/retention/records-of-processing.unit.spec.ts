import type { AppConfig } from '../config/app-config';
import { RETENTION_POLICY, type RetentionPolicy } from './retention-policy';
import { recordAsMarkdown, recordOfProcessing } from './records-of-processing';

const deployment = (mail: AppConfig['MAIL_TRANSPORT']) => ({ MAIL_TRANSPORT: mail, AWS_REGION: 'eu-north-1', SIGN_IN_LINK_TTL_MINUTES: 15, MEMBER_SESSION_TTL_MINUTES: 60 });

describe('the record of processing activities', () => {
  it('takes every retention entry from the retention policy, field by field', () => {
    const record = recordOfProcessing(RETENTION_POLICY, deployment('file'));
    expect(record.retention.map((entry) => entry.rule)).toEqual(Object.keys(RETENTION_POLICY));
    for (const entry of record.retention) {
      const rule = RETENTION_POLICY[entry.rule];
      expect({ data: entry.data, keptFor: entry.keptFor, countedFrom: entry.countedFrom }).toEqual({ data: rule.data, keptFor: rule.keptFor, countedFrom: rule.countedFrom });
    }
    expect(record.retention.map((entry) => entry.description)).toEqual([
      'Erased (encryption key destroyed) 30 days after the sign-up',
      'Erased (encryption key destroyed) 90 days after the referral',
      'Erased (encryption key destroyed) 90 days after the decision',
      'Erased (encryption key destroyed) 12 months after the withdrawal',
      'Deleted 24 months after the look-up',
      'Deleted once expired (sign-in links after 15 minutes, sessions after 60 minutes)',
    ]);
  });

  it('changes with the policy', () => {
    const changed: RetentionPolicy = {
      ...RETENTION_POLICY,
      withdrawnMembers: { ...RETENTION_POLICY.withdrawnMembers, keptFor: { months: 6 } },
      unverifiedSignUps: { ...RETENTION_POLICY.unverifiedSignUps, keptFor: { days: 1 } },
    };
    const record = recordOfProcessing(changed, deployment('file'));
    const entry = (rule: string) => record.retention.find((candidate) => candidate.rule === rule);
    expect(entry('withdrawnMembers')).toEqual(expect.objectContaining({ keptFor: { months: 6 }, description: 'Erased (encryption key destroyed) 6 months after the withdrawal' }));
    expect(entry('unverifiedSignUps')).toEqual(expect.objectContaining({ keptFor: { days: 1 }, description: 'Erased (encryption key destroyed) 1 day after the sign-up' }));
    expect(recordAsMarkdown(record)).toContain('| Members who withdrew their consent | Erased (encryption key destroyed) 6 months after the withdrawal |');
    expect(recordAsMarkdown(recordOfProcessing(RETENTION_POLICY, deployment('file')))).not.toContain('6 months');
  });

  it('names Amazon SES as a processor only where mail goes through it', () => {
    const processors = (mail: AppConfig['MAIL_TRANSPORT']) => recordOfProcessing(RETENTION_POLICY, deployment(mail)).recipients.filter((recipient) => recipient.role === 'processor');
    expect(processors('file')).toEqual([]);
    expect(processors('ses')).toEqual([{ recipient: 'Amazon Web Services: Amazon SES, region eu-north-1', role: 'processor', note: expect.any(String) }]);
  });

  it('reads as a document with every section of Art. 30(1)', () => {
    const markdown = recordAsMarkdown(recordOfProcessing(RETENTION_POLICY, deployment('ses')));
    const headings = markdown.split('\n').filter((line) => line.startsWith('#'));
    expect(headings).toEqual([
      '# Record of processing activities (GDPR Art. 30)',
      '## Controller',
      '## Purposes',
      '## Legal bases',
      '## Categories of data subjects',
      '## Categories of personal data',
      '## Recipients',
      '## Transfers to third countries',
      '## Retention periods',
      '## Security measures',
    ]);
    expect(markdown).toContain('Sjældne Diagnoser');
    expect(markdown).toContain('- Greenland: No adequacy decision');
    expect(markdown).toContain('Amazon SES, region eu-north-1 (processor)');
  });
});
