import { memberStream } from '../../contracts/events/membership.events';
import { admittedMember, MEMBER, restricted } from '../../test/support/member-history';
import { toNewEvents } from '../event-store/command-handling';
import { WrongExpectedRevisionError } from '../event-store/event-store.port';
import { InMemoryEventStore } from '../event-store/in-memory/in-memory-event-store';
import { handleSealingCommand } from './sealing-command';
import { decideRestrictMember } from './restrict-member/restrict-member.decide';

const context = { actorRole: 'secretariat' as const, correlationId: '0b0e0a6e-1111-4aaa-8bbb-000000000009', now: new Date('2026-11-29T12:00:00.000Z') };

describe('handleSealingCommand', () => {
  let store: InMemoryEventStore;
  beforeEach(async () => {
    store = new InMemoryEventStore();
    await store.append(memberStream(MEMBER), toNewEvents(admittedMember(), context), 'no_stream');
  });

  it('loads, prepares, decides and appends at the revision it read', async () => {
    const { events, state } = await handleSealingCommand(
      store,
      MEMBER,
      { prepare: async () => 'v1.sealed-reason', decide: (current, sealedReason) => decideRestrictMember(current, { memberId: MEMBER }, { now: context.now, sealedReason }) },
      context,
    );
    expect(events).toEqual([{ type: 'MemberRestricted', data: { memberId: MEMBER, reason: 'v1.sealed-reason', restrictedAt: context.now.toISOString() } }]);
    expect(state.restricted).toBe(true);
    expect((await store.readStream(memberStream(MEMBER))).map((event) => event.type)).toEqual(['MemberJoined', 'EmailVerified', 'MemberAdmitted', 'MemberRestricted']);
  });

  it('fails with a conflict (409) when the stream changed while it was sealing', async () => {
    const attempt = handleSealingCommand(
      store,
      MEMBER,
      {
        prepare: async () => {
          await store.append(memberStream(MEMBER), toNewEvents([restricted()], context), 2);
          return 'v1.sealed-reason';
        },
        decide: (current, sealedReason) => decideRestrictMember(current, { memberId: MEMBER }, { now: context.now, sealedReason }),
      },
      context,
    );
    await expect(attempt).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(await store.readStream(memberStream(MEMBER))).toHaveLength(4);
  });
});
