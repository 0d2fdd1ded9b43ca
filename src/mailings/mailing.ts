/**
 * A mailing: a newsletter, the invitations to a meet-up, or the notice that a group became a
 * patient association. Asked for by an event (NewsletterSendRequested, MeetupInvitationsRequested,
 * GroupBecameAssociation), queued as a job by the mailing-jobs projection and sent by the
 * MailingSender, one delivery row per member (mailing_deliveries: the record of its sends).
 */
export type MailingKind = 'newsletter' | 'meetup-invitation' | 'association-founded';

/**
 * sent · rejected (by the provider, for good) · queued-for-post (a paper or phone member without
 * email: queued as a letter in the print queue, src/mailings/mailing-letter-source.ts) · no-email
 * (no email and no postal address either: not served) · not-eligible (left, withdrew the opt-in,
 * restricted or erased before it went). A letter queued for post is later settled as
 * PostOutcome when its print batch is confirmed posted.
 */
export type DeliveryOutcome = 'sent' | 'rejected' | 'queued-for-post' | 'no-email' | 'not-eligible';

/** posted: in a print batch confirmed posted · not-printed: left out of it (e.g. no longer eligible when printed). */
export type PostOutcome = 'posted' | 'not-printed';

/** print_letters.source of a mailing's letters. */
export const MAILING_LETTER_SOURCE = 'mailing';

/** The job of every mailing: which one (`mailing_key`: the newsletter, meet-up or diagnosis id) and, for a meet-up, which groups. */
export interface MailingJob {
  eventId: string;
  kind: MailingKind;
  mailingKey: string;
  diagnosisIds: string[] | null;
}

/**
 * Who a mailing goes to, as SQL over the job `j` and the member-directory row `d`: admitted
 * members (not withdrawn, referred, declined or erased) who are not restricted (GDPR Art. 18:
 * their data is only stored), and
 * - a newsletter: who have the newsletter opt-in;
 * - meet-up invitations: who have the meet-up opt-in and are admitted to one of the job's groups (or to any);
 * - an association notice: who are admitted to that group (no opt-in: it is about their membership).
 * Used when a job is expanded into deliveries, and again just before each mail goes, so that a
 * withdrawal made meanwhile is honoured (Art. 7(3)).
 */
export const AUDIENCE = `
  d.status = 'admitted' AND NOT d.restricted AND CASE j.kind
    WHEN 'newsletter' THEN d.opt_in_newsletter
    WHEN 'meetup-invitation' THEN d.opt_in_meetups AND EXISTS (
      SELECT 1 FROM member_directory_memberships m
      WHERE m.member_id = d.member_id AND m.status = 'admitted' AND (j.diagnosis_ids IS NULL OR m.diagnosis_id::text = ANY (j.diagnosis_ids)))
    WHEN 'association-founded' THEN EXISTS (
      SELECT 1 FROM member_directory_memberships m
      WHERE m.member_id = d.member_id AND m.status = 'admitted' AND m.diagnosis_id::text = j.mailing_key)
    ELSE false
  END`;

/**
 * A job is acted on only once the member directory has seen its event: who is in the audience
 * is then known as of that moment or later (and not from a directory being rebuilt from 0).
 */
export const DIRECTORY_HAS_SEEN_JOB = `j.position <= (SELECT position FROM projection_checkpoints WHERE name = 'member-directory')`;
