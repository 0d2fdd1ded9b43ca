import { memberStream } from '../../../contracts/events/membership.events';
import { toNewEvents } from '../../event-store/command-handling';
import { InMemoryEventStore } from '../../event-store/in-memory/in-memory-event-store';
import { admittedMember, MEMBER } from '../../../test/support/member-history';
import { EraseMemberCommand } from './erase-member.command';
import { EraseMemberHandler } from './erase-member.handler';
import type { ErasureCompletion } from './erasure-completion';

const context = { actorRole: 'secretariat' as const, correlationId: 'c0ffee00-0000-4000-8000-000000000001', now: new Date('2026-11-29T12:00:00.000Z') };

describe('the erase-member handler', () => {
  async function storeWithMember(): Promise<InMemoryEventStore> {
    const store = new InMemoryEventStore();
    await store.append(memberStream(MEMBER), toNewEvents(admittedMember(), context), 'no_stream');
    return store;
  }

  it('answers with the receipt once the erasure is completed', async () => {
    const store = await storeWithMember();
    const completion = { complete: async () => ({ receipt: 'sent', recipientsNotified: 3 }) } as unknown as ErasureCompletion;
    const result = await new EraseMemberHandler(store, completion).execute(new EraseMemberCommand(MEMBER, 'secretariat', context));
    expect(result).toEqual({ memberId: MEMBER, status: 'erased', recipientsNotified: 3, receipt: 'sent' });
  });

  it('answers "pending", not an error, when the erasure is recorded but completing it fails (the reactor finishes it)', async () => {
    const store = await storeWithMember();
    const completion = {
      complete: async () => {
        throw new Error('connection lost');
      },
    } as unknown as ErasureCompletion;
    const result = await new EraseMemberHandler(store, completion).execute(new EraseMemberCommand(MEMBER, 'member', context));
    expect(result).toEqual({ memberId: MEMBER, status: 'erased', recipientsNotified: null, receipt: 'pending' });
    const recorded = await store.readStream(memberStream(MEMBER));
    expect(recorded.at(-1)).toEqual(expect.objectContaining({ type: 'MemberErased', data: expect.objectContaining({ memberId: MEMBER, erasedBy: 'member' }) }));
  });
});
