import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '../../contracts/events/event-envelope';
import type { MemberEvent, MemberJoined } from '../../contracts/events/membership.events';

/** Recorded events as a projection receives them, numbered from position 1 in the given order. */
export function recorded(events: MemberEvent[], at = '2026-11-29T12:00:00.000Z'): RecordedEvent[] {
  const revisions = new Map<string, number>();
  return events.map((event, index) => {
    const streamId = `member-${event.data.memberId}`;
    const revision = (revisions.get(streamId) ?? -1) + 1;
    revisions.set(streamId, revision);
    return {
      id: randomUUID(),
      type: event.type,
      schemaVersion: 1,
      data: event.data,
      metadata: { correlationId: randomUUID(), actorRole: 'system', occurredAt: at },
      streamId,
      revision,
      position: BigInt(index + 1),
      recordedAt: new Date(at),
    };
  });
}

/** A MemberJoined of a web sign-up; `personal` stands in for the sealed text. */
export function memberJoined(memberId: string, diagnosisId: string, overrides: Partial<MemberJoined['data']> = {}): MemberJoined {
  return {
    type: 'MemberJoined',
    data: {
      memberId,
      diagnosisId,
      role: 'patient',
      country: 'DK',
      language: 'da',
      consent: {
        textVersion: '1',
        language: 'da',
        channel: 'web',
        givenBy: 'self',
        attestedByStaff: false,
        sharedFields: ['address', 'phone', 'email'],
        scope: 'group',
        allowTransferToGreenland: false,
        givenAt: '2026-11-01T10:00:00.000Z',
      },
      optIns: { newsletter: true, meetups: false, facebookInvite: false },
      personal: `v1.sealed-personal-of-${memberId.slice(0, 8)}`,
      ...overrides,
    },
  };
}
