import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { BROWSER_TEST_TIMEOUT_MS, checkPage, launchChromium, newVisitor, pathOf } from '../support/browser';
import { fileSink, type Message, Network } from '../support/network';
import { SelfService } from '../support/self-service';
import { SECRETARIAT_KEY, startTestApp, type TestApp } from '../support/test-app';

jest.setTimeout(BROWSER_TEST_TIMEOUT_MS);

/**
 * The member pages in Chromium: signing in with the emailed link, seeing one's data, who received
 * it and the contact list, correcting details, downloading the export, withdrawing an opt-in and
 * the consent, signing out; and erasure with its confirmation step. Every page is checked with
 * axe-core and saved as a screenshot under test-results/.
 */
describe('the member pages in a browser', () => {
  let service: TestApp;
  let network: Network;
  let me: SelfService;
  let messages: () => Promise<Message[]>;
  let browser: Browser;
  const ANNA = 1;
  const BO = 3;

  beforeAll(async () => {
    service = await startTestApp({ LIST_UPDATE_DEBOUNCE_SECONDS: '0' });
    messages = fileSink(() => join(service.dataDir, 'mail'));
    network = new Network(service, messages);
    me = new SelfService(service, network, messages);
    await network.openGroup();
    await network.join(ANNA, { wantsNewsletter: true, wantsMeetupInvites: true });
    await network.join(BO);
    await network.listsSettle([ANNA, BO]);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  /** Follows the sign-in link mailed to member n: its landing page, then its button. */
  async function openEmailedLink(page: Page, n: number, screenshot?: string): Promise<void> {
    const mail = await me.nextSignInMail(network.person(n).email);
    const link = /https?:\/\/\S+\/me\/sign-in\?token=[^\s"<]+/.exec(mail.text)?.[0] ?? '';
    await page.goto(`${service.url}${pathOf(link)}`);
    expect(await page.textContent('h1')).toBe('Log ind');
    if (screenshot) await checkPage(page, screenshot);
    await page.getByRole('button', { name: 'Log ind' }).click();
    expect(new URL(page.url()).pathname).toBe('/me/overview');
  }

  /** The member menu's link (a page may link the same place in its text too). */
  const menu = (page: Page, name: string) => page.getByRole('navigation', { name: 'Min side' }).getByRole('link', { name, exact: true });

  const memberStatus = async (n: number) => (await network.call(`/members/${network.person(n).memberId}?purpose=browser%20test`, undefined, SECRETARIAT_KEY)).body.status;

  it('signs a member in with the emailed link; shows their data, its recipients and the list; corrects, exports, withdraws, signs out', async () => {
    const anna = network.person(ANNA);
    const bo = network.person(BO);
    const { page } = await newVisitor(browser);
    await me.directoryCaughtUp();

    await page.goto(`${service.url}/me/sign-in`);
    expect(await page.textContent('h1')).toBe('Log ind på Min side');
    await checkPage(page, 'sign-in');
    await page.getByLabel('E-mailadresse').fill(anna.email);
    await page.getByRole('button', { name: 'Send mig et link' }).click();
    expect(await page.textContent('h1')).toBe('Tjek din e-mail');
    await checkPage(page, 'sign-in-sent');
    await openEmailedLink(page, ANNA, 'sign-in-confirm');

    expect(await page.textContent('h1')).toBe('Mine oplysninger');
    expect(await page.textContent('main')).toContain(anna.name);
    expect(await page.textContent('main')).toContain(anna.email);
    await checkPage(page, 'overview');

    await menu(page, 'Hvem har fået mine oplysninger').click();
    expect(await page.textContent('h1')).toBe('Hvem har fået mine oplysninger');
    // The disclosure log is a projection: it may be a moment behind the list Bo was sent.
    await network.until('the list sent to Bo in the disclosure log', async () => (await page.reload(), (await page.textContent('main'))?.includes(bo.name)));
    await checkPage(page, 'recipients');

    await menu(page, 'Kontaktlisten').click();
    expect(await page.textContent('h1')).toBe('Kontaktlisten');
    expect(await page.textContent('table')).toContain(bo.name);
    await checkPage(page, 'contact-list');

    await menu(page, 'Ret mine oplysninger').click();
    expect(await page.inputValue('#street')).toBe(anna.street);
    await checkPage(page, 'details');
    await page.fill('#postalCode', '99');
    await page.getByRole('button', { name: 'Gem ændringerne' }).click();
    expect(await page.textContent('#postalCode-error')).toContain('Postnummeret passer ikke til Danmark');
    expect(await page.inputValue('#street')).toBe(anna.street);
    await checkPage(page, 'details-error');
    await page.fill('#postalCode', '2300');
    await page.fill('#street', `Nyhavn 1 ${network.tag}`);
    await page.getByRole('button', { name: 'Gem ændringerne' }).click();
    expect(await page.textContent('h1')).toBe('Dine oplysninger er rettet');
    await checkPage(page, 'details-done');

    await menu(page, 'Mine oplysninger').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Hent alle mine oplysninger som en fil (JSON)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^sjaeldne-netvaerket-\d{4}-\d{2}-\d{2}\.json$/);
    const exported = JSON.parse(await readFile(await download.path(), 'utf8'));
    expect(exported).toEqual(expect.objectContaining({ format: 'sjaeldne-netvaerket/member-data', memberId: anna.memberId, personal: expect.objectContaining({ name: anna.name }) }));

    await menu(page, 'Samtykke og tilvalg').click();
    expect(await page.textContent('h1')).toBe('Samtykke og tilvalg');
    await checkPage(page, 'consent');
    await page.getByRole('button', { name: 'Afmeld nyhedsbrevet' }).click();
    expect(await page.textContent('h1')).toBe('Tilvalget er afmeldt');
    await checkPage(page, 'opt-out-done');

    await menu(page, 'Samtykke og tilvalg').click();
    await page.getByRole('button', { name: 'Træk mit samtykke tilbage' }).click();
    expect(await page.textContent('h1')).toBe('Dit samtykke er trukket tilbage');
    await checkPage(page, 'consent-withdrawn');
    await network.until('the withdrawal to show', async () => (await memberStatus(ANNA)) === 'withdrawn');

    await page.getByRole('button', { name: 'Log ud' }).click();
    expect(await page.textContent('h1')).toBe('Du er logget ud');
    await checkPage(page, 'signed-out');
    await page.goto(`${service.url}/me/overview`);
    expect(new URL(page.url()).pathname).toBe('/me/sign-in');
  });

  it('erases a member after a clear confirmation step, ends their session and sends the receipt', async () => {
    const bo = network.person(BO);
    const { page } = await newVisitor(browser);
    expect((await me.requestLink(bo.email)).status).toBe(202);
    await openEmailedLink(page, BO);

    await menu(page, 'Slet mine data').click();
    expect(await page.textContent('h1')).toBe('Slet mine data');
    expect(await page.textContent('main')).toContain('det kan ikke fortrydes');
    await checkPage(page, 'erase');
    await page.getByRole('button', { name: 'Slet mine data nu' }).click();
    expect(await page.textContent('#confirm-error')).toContain('Sæt kryds for at bekræfte');
    await checkPage(page, 'erase-unconfirmed');
    expect(await memberStatus(BO)).not.toBe('erased');

    await page.check('#confirm');
    await page.getByRole('button', { name: 'Slet mine data nu' }).click();
    expect(await page.textContent('h1')).toBe('Dine data er slettet');
    expect(await page.textContent('main')).toContain('Vi har sendt en kvittering til din e-mailadresse.');
    await checkPage(page, 'erased');
    await network.until('the erasure receipt', async () => (await messages()).find((message) => message.to.includes(bo.email) && /slet/i.test(message.subject)));

    await page.goto(`${service.url}/me/overview`);
    expect(new URL(page.url()).pathname).toBe('/me/sign-in');
  });

  it('tells a visitor whose form expired to reload it, and whose link is used up (sign-in or consent hand-over) what to do', async () => {
    const { context, page } = await newVisitor(browser);
    await page.goto(`${service.url}/me/sign-in?lang=en`);
    await context.clearCookies();
    await page.getByLabel('Email address').fill('someone@example.org');
    await page.getByRole('button', { name: 'Send me a link' }).click();
    expect(await page.textContent('h1')).toBe('The form has expired');
    await checkPage(page, 'form-expired');

    await page.goto(`${service.url}/me/sign-in?token=used-or-unknown-token&lang=en`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.textContent('h1')).toBe('The link does not work');
    await checkPage(page, 'sign-in-link-used');

    // The consent hand-over link's page: the consent text and a button; an unknown link is refused.
    await page.goto(`${service.url}/consent-hand-over?token=unknown-token&lang=en`);
    expect(await page.textContent('h1')).toBe('Confirm your consent');
    await checkPage(page, 'consent-hand-over');
    await page.getByRole('button', { name: 'I confirm my consent' }).click();
    expect(await page.textContent('h1')).toBe('The link does not work');
    await checkPage(page, 'consent-hand-over-invalid');
  });
});
