import { join } from 'node:path';
import { FACEBOOK_INVITATION_LIST_ID } from '../src/facebook-invitations/pending-facebook-invitations';
import { fileSink, Network } from './support/network';
import { DPO_KEY, SECRETARIAT_KEY, startTestApp, type TestApp } from './support/test-app';

describe('Facebook group invitations over HTTP', () => {
  let service: TestApp;
  let network: Network;
  const [WITHDRAWN, RESTRICTED, CHANGED_MIND] = [3, 5, 6];
  const pending = async (purpose = 'invitations to the Facebook group') =>
    network.call(`/facebook-invitations/pending?purpose=${encodeURIComponent(purpose)}`, undefined, SECRETARIAT_KEY);
  const pendingIds = async () => ((await pending()).body.members as Array<{ memberId: string }>).map((member) => member.memberId).sort();
  const ids = (...ns: number[]) => ns.map((n) => network.person(n).memberId).sort();

  beforeAll(async () => {
    service = await startTestApp();
    network = new Network(service, fileSink(() => join(service.dataDir, 'mail')));
    await network.openGroup();
    for (const n of [1, 8, WITHDRAWN, RESTRICTED, CHANGED_MIND]) await network.join(n, { wantsFacebookInvite: true });
    await network.join(2);
    expect((await network.staff('withdraw-consent', { memberId: network.person(WITHDRAWN).memberId })).status).toBe(201);
    expect((await network.staff('restrict-member', { memberId: network.person(RESTRICTED).memberId, reason: 'Mistanke om falsk tilmelding' })).status).toBe(201);
    expect((await network.staff('withdraw-opt-in', { memberId: network.person(CHANGED_MIND).memberId, optIn: 'facebookInvite' })).status).toBe(201);
  }, 60_000);
  afterAll(() => service.close());

  it('lists the admitted members who asked and were not invited, with name and email, and logs the look-up', async () => {
    await network.until('the list to settle', async () => (await pendingIds()).join() === ids(1, 8).join());
    const { status, body } = await pending('before inviting by hand');
    expect(status).toBe(200);
    const first = network.person(1);
    expect(body.members).toEqual(
      expect.arrayContaining([{ memberId: first.memberId, name: first.name, email: first.email, language: 'da', askedAt: expect.any(String) }]),
    );

    const log = await network.call(`/access-log?memberId=${first.memberId}`, undefined, DPO_KEY);
    expect(log.body.entries).toContainEqual({
      id: expect.any(String),
      at: expect.any(String),
      role: 'secretariat',
      keyIndex: 0,
      kind: 'facebook-invitations',
      subject: FACEBOOK_INVITATION_LIST_ID,
      purpose: 'before inviting by hand',
    });
    expect((await network.call(`/access-log?memberId=${network.person(2).memberId}`, undefined, DPO_KEY)).body.entries).toEqual([]);
    expect((await network.call('/facebook-invitations/pending', undefined, DPO_KEY)).status).toBe(403);
  }, 30_000);

  it('marks members invited, all or none, and leaves them off the list from then on', async () => {
    const marked = await network.staff('mark-facebook-invited', { memberIds: [network.person(1).memberId] });
    expect(marked).toEqual({ status: 201, body: { invited: 1 } });
    expect(await pendingIds()).toEqual(ids(8));

    const again = await network.staff('mark-facebook-invited', { memberIds: [network.person(8).memberId, network.person(1).memberId] });
    expect(again.status).toBe(409);
    expect(again.body.type).toBe('/problems/already-invited');
    expect((await network.staff('mark-facebook-invited', { memberIds: [network.person(2).memberId] })).body.type).toBe('/problems/no-facebook-opt-in');
    expect((await network.staff('mark-facebook-invited', { memberIds: ['00000000-0000-4000-8000-00000000abcd'] })).status).toBe(404);
    expect(await pendingIds()).toEqual(ids(8));
  }, 30_000);
});
