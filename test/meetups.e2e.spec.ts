import { join } from 'node:path';
import { meetupStream } from '../contracts/events/meetup.events';
import { readMailSink } from './support/mail-sink';
import { follow, linksTo } from './support/mail-links';
import { fileSink, Network } from './support/network';
import { type SesEmulator, startSesEmulator } from './support/ses-emulator';
import { replayWithoutEventTypeFilters } from './support/event-type-filters';
import { SECRETARIAT_KEY, startTestApp, type TestApp } from './support/test-app';

const WANTS = { wantsMeetupInvites: true };
const IN_A_MONTH = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString();

async function createMeetup(network: Network): Promise<string> {
  const created = await network.staff('create-meetup', {
    startsAt: IN_A_MONTH,
    place: 'Sjældne Diagnoser, Fruebjergvej 3, 2100 København Ø',
    onlineLink: 'https://meet.example.org/traef',
    descriptions: { da: `Vi mødes til **frokost** ${network.tag}.`, en: `We meet for **lunch** ${network.tag}.` },
  });
  expect(created.status).toBe(201);
  return created.body.meetupId;
}

/** Asks for invitations and waits until every one of them is settled; the meet-up as GET /meetups/:id shows it. */
async function invite(network: Network, meetupId: string, diagnosisIds?: string[]) {
  expect((await network.staff('invite-to-meetup', { meetupId, ...(diagnosisIds ? { diagnosisIds } : {}) })).status).toBe(201);
  await network.until('the invitations to be sent', async () => {
    const { sends } = (await network.call(`/meetups/${meetupId}`, undefined, SECRETARIAT_KEY)).body;
    return !sends.waiting && sends.pending === 0;
  });
  return (await network.call(`/meetups/${meetupId}`, undefined, SECRETARIAT_KEY)).body;
}

describe('meet-ups over HTTP, through the file transport', () => {
  let service: TestApp;
  let network: Network;
  let groupA: string;
  let groupB: string;
  let meetupId: string;
  const mailDir = () => join(service.dataDir, 'mail');
  const invitations = async () => (await readMailSink(mailDir())).filter((mail) => /Sjældne-træf/.test(mail.subject));
  const invitationOf = async (n: number) => (await invitations()).filter((mail) => mail.to.includes(network.person(n).email));
  const replies = async () => (await network.store.readStream(meetupStream(meetupId))).filter((event) => event.type === 'MeetupReplied');

  beforeAll(async () => {
    service = await startTestApp();
    network = new Network(service, fileSink(mailDir));
    await network.openGroup();
    groupA = network.diagnosisId;
    // Group A: 1 (Danish) and 6 (Swedish) want invitations, 2 does not. Group B: 8 (English) and 3.
    for (const n of [1, 6]) await network.join(n, WANTS);
    await network.join(2);
    const registered = await network.staff('register-diagnosis', { name: `Alström syndrom ${network.tag}` });
    groupB = registered.body.diagnosisId;
    network.diagnosisId = groupB;
    await network.until('group B to open', async () => (await network.call('/diagnoses')).body.some((d: { diagnosisId: string }) => d.diagnosisId === groupB));
    for (const n of [8, 3]) await network.join(n, WANTS);
    meetupId = await createMeetup(network);
  }, 60_000);
  afterAll(() => service.close());

  it('invites the members of the chosen groups who want invitations, in their language, with yes, no and unsubscribe links', async () => {
    const meetup = await invite(network, meetupId, [groupA]);
    expect(meetup.sends).toEqual({ waiting: false, pending: 0, sent: 2, rejected: 0, queuedForPost: 0, posted: 0, notPrinted: 0, noEmail: 0, notEligible: 0 });
    expect((await invitations()).map((mail) => mail.to).sort()).toEqual([network.person(1).email, network.person(6).email].sort());
    const [danish] = await invitationOf(1);
    const [swedish] = await invitationOf(6);
    expect(danish.subject).toMatch(/^Invitation til Sjældne-træf /);
    expect(swedish.subject).toBe(danish.subject); // no Swedish description: all of it in Danish
    expect(danish.text).toContain('Sted: Sjældne Diagnoser, Fruebjergvej 3, 2100 København Ø');
    expect(danish.text).toContain('Online: https://meet.example.org/traef');
    expect(danish.html).toContain(`<strong>frokost</strong> ${network.tag}`);
    for (const route of ['/meetup-reply', '/unsubscribe']) expect(linksTo(danish.text, route)).toHaveLength(route === '/meetup-reply' ? 2 : 1);
    for (const value of [...network.valuesOf(6), ...network.valuesOf(2)]) expect(`${danish.text}${danish.html}`).not.toContain(value);
  }, 30_000);

  it('invites more groups later, nobody twice', async () => {
    await invite(network, meetupId, [groupB]);
    const meetup = await invite(network, meetupId);
    expect(meetup.sends).toEqual({ waiting: false, pending: 0, sent: 4, rejected: 0, queuedForPost: 0, posted: 0, notPrinted: 0, noEmail: 0, notEligible: 0 });
    expect(meetup.invitations).toEqual([
      { diagnosisIds: [groupA], requestedAt: expect.any(String) },
      { diagnosisIds: [groupB], requestedAt: expect.any(String) },
      { diagnosisIds: null, requestedAt: expect.any(String) },
    ]);
    const [english] = await invitationOf(8);
    expect(english.subject).toMatch(/^Invitation to Sjældne-træf on /);
    expect((await invitations()).map((mail) => mail.to).sort()).toEqual([1, 6, 8, 3].map((n) => network.person(n).email).sort());
  }, 30_000);

  it('records an answer only from the button of the link’s page, and counts who comes per group', async () => {
    const links = async (n: number) => {
      const [mail] = await invitationOf(n);
      const [yes, no] = linksTo(mail.text, '/meetup-reply');
      return { yes, no };
    };
    // A mail scanner opening both links answers nothing.
    const { yes, no } = await links(1);
    for (const link of [yes, no]) expect(await follow(service, link)).toEqual({ status: 200, type: 'text/html; charset=utf-8', body: expect.stringContaining('<form method="post"') });
    expect(await replies()).toEqual([]);

    const answered = await follow(service, yes, 'POST');
    expect(answered.status).toBe(200);
    expect(answered.body).toContain('Tak for dit svar: du kommer.');
    expect((await follow(service, (await links(8)).yes, 'POST')).body).toContain('you will come');
    expect((await follow(service, (await links(3)).no, 'POST')).status).toBe(200);
    const six = await links(6);
    for (const link of [six.yes, six.no, six.no]) expect((await follow(service, link, 'POST')).status).toBe(200);
    expect((await follow(service, yes.replace(network.person(1).memberId, network.person(2).memberId), 'POST')).status).toBe(404);

    expect((await replies()).map((event) => event.data)).toEqual([
      { meetupId, memberId: network.person(1).memberId, diagnosisId: groupA, answer: 'yes', repliedAt: expect.any(String) },
      { meetupId, memberId: network.person(8).memberId, diagnosisId: groupB, answer: 'yes', repliedAt: expect.any(String) },
      { meetupId, memberId: network.person(3).memberId, diagnosisId: groupB, answer: 'no', repliedAt: expect.any(String) },
      { meetupId, memberId: network.person(6).memberId, diagnosisId: groupA, answer: 'yes', repliedAt: expect.any(String) },
      { meetupId, memberId: network.person(6).memberId, diagnosisId: groupA, answer: 'no', repliedAt: expect.any(String) },
    ]);
    const meetup = (await network.call(`/meetups/${meetupId}`, undefined, SECRETARIAT_KEY)).body;
    expect({ attending: meetup.attending, declined: meetup.declined }).toEqual({ attending: 2, declined: 2 });
    expect(meetup.attendeesPerGroup).toEqual(
      expect.arrayContaining([
        { diagnosisId: groupA, name: `Bardet-Biedl syndrom ${network.tag}`, attending: 1 },
        { diagnosisId: groupB, name: `Alström syndrom ${network.tag}`, attending: 1 },
      ]),
    );
    expect(meetup.attendeesPerGroup).toHaveLength(2);
  }, 30_000);

  it('unsubscribes from invitations with the link in one', async () => {
    const [mail] = await invitationOf(1);
    const [link] = linksTo(mail.text, '/unsubscribe');
    expect((await follow(service, link)).body).toContain('Vil du afmelde invitationer til Sjældne-træf?');
    expect((await follow(service, link, 'POST')).body).toContain('Du er afmeldt invitationer til Sjældne-træf');
    await network.until('the member directory to show the opt-in withdrawn', async () => {
      const { optIns } = (await network.call(`/members/${network.person(1).memberId}`, undefined, SECRETARIAT_KEY)).body;
      return optIns.meetups === false;
    });

    const next = await createMeetup(network);
    const meetup = await invite(network, next);
    expect(meetup.sends.sent).toBe(3); // 6, 8 and 3
  }, 30_000);
  // Last: it stops the service's projections.
  it('built every read model from only the event types it declares (a replay of every event gives the same)', async () => {
    await replayWithoutEventTypeFilters(service);
  });
});

describe('meet-ups over HTTP, through SES (aws-ses-v2-local)', () => {
  let ses: SesEmulator;
  let service: TestApp;
  let network: Network;

  beforeAll(async () => {
    ses = await startSesEmulator();
    service = await startTestApp({ MAIL_TRANSPORT: 'ses', SES_ENDPOINT: ses.endpoint });
    network = new Network(service, () => ses.messages());
    await network.openGroup();
    await network.join(1, WANTS);
  });
  afterAll(async () => {
    await service?.close();
    await ses?.close();
  });

  it('sends the invitation through SES, and its yes link records the answer', async () => {
    const meetupId = await createMeetup(network);
    expect((await invite(network, meetupId)).sends.sent).toBe(1);
    const [mail] = (await ses.messages()).filter((message) => message.subject.startsWith('Invitation til Sjældne-træf'));
    expect(mail.to).toBe(network.person(1).email);
    const [yes] = linksTo(mail.text, '/meetup-reply');
    expect((await follow(service, yes, 'POST')).status).toBe(200);
    const meetup = (await network.call(`/meetups/${meetupId}`, undefined, SECRETARIAT_KEY)).body;
    expect(meetup.attendeesPerGroup).toEqual([{ diagnosisId: network.diagnosisId, name: `Bardet-Biedl syndrom ${network.tag}`, attending: 1 }]);
  }, 60_000);
});
