import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { DiagnosisEvent } from '../../contracts/events/diagnosis.events';
import type { RecordedEvent } from '../../contracts/events/event-envelope';
import type { MeetupEvent } from '../../contracts/events/meetup.events';
import type { NewsletterEvent } from '../../contracts/events/newsletter.events';
import type { MailingJob } from '../../src/mailings/mailing';
import type { Projection } from '../runner/projection';

/** The job an event asks for, if any. */
export function mailingJobOf(recorded: RecordedEvent): MailingJob | undefined {
  const event = recorded as unknown as NewsletterEvent | MeetupEvent | DiagnosisEvent;
  switch (event.type) {
    case 'NewsletterSendRequested':
      return { eventId: recorded.id, kind: 'newsletter', mailingKey: event.data.newsletterId, diagnosisIds: null };
    case 'MeetupInvitationsRequested':
      return { eventId: recorded.id, kind: 'meetup-invitation', mailingKey: event.data.meetupId, diagnosisIds: event.data.diagnosisIds };
    case 'GroupBecameAssociation':
      return { eventId: recorded.id, kind: 'association-founded', mailingKey: event.data.diagnosisId, diagnosisIds: null };
    default:
      return undefined;
  }
}

/**
 * mailing-jobs: queues a job (mailing_jobs) for every event that asks for a mailing; the
 * MailingSender (src/mailings) expands each into deliveries and sends them. One row per event
 * (ON CONFLICT DO NOTHING), with the event's position so the sender can wait for the member
 * directory to have seen it.
 */
@Injectable()
export class MailingJobsProjector implements Projection {
  readonly name = 'mailing-jobs';
  readonly version = 1;
  /** The events mailingJobOf() makes a job of. */
  readonly eventTypes = ['NewsletterSendRequested', 'MeetupInvitationsRequested', 'GroupBecameAssociation'] satisfies Array<(NewsletterEvent | MeetupEvent | DiagnosisEvent)['type']>;

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const jobs = events.flatMap((event) => {
      const job = mailingJobOf(event);
      return job ? [{ event_id: job.eventId, kind: job.kind, mailing_key: job.mailingKey, diagnosis_ids: job.diagnosisIds, position: event.position.toString(), requested_at: event.metadata.occurredAt }] : [];
    });
    if (jobs.length === 0) return;
    await tx.query(
      `INSERT INTO mailing_jobs (event_id, kind, mailing_key, diagnosis_ids, position, requested_at)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(event_id text, kind text, mailing_key text, diagnosis_ids text[], position bigint, requested_at timestamptz)
       ON CONFLICT (event_id) DO NOTHING`,
      [JSON.stringify(jobs)],
    );
  }

  /**
   * Keeps the jobs: they are a queue with the record of what was sent hanging off it, not state
   * derived afresh. A rebuild's replay meets each job again by its event id, so nobody is mailed twice.
   */
  async reset(): Promise<void> {}
}
