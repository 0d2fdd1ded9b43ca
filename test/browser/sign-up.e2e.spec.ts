import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { BROWSER_TEST_TIMEOUT_MS, SCREENSHOTS, checkPage, launchChromium, newVisitor, pathOf, tabThrough } from '../support/browser';
import { fileSink, type Message, Network, personOf } from '../support/network';
import { startTestApp, type TestApp } from '../support/test-app';

jest.setTimeout(BROWSER_TEST_TIMEOUT_MS);

/**
 * The public sign-up in Chromium, as people use it: the form in Danish and in Swedish, the
 * verification link from the mail, its landing page and the result; a refused postal code; the
 * keyboard. Every page is checked with axe-core and saved as a screenshot under test-results/.
 */
describe('the sign-up pages in a browser', () => {
  let service: TestApp;
  let network: Network;
  let messages: () => Promise<Message[]>;
  let browser: Browser;
  let diagnosis: string;

  beforeAll(async () => {
    service = await startTestApp();
    messages = fileSink(() => join(service.dataDir, 'mail'));
    network = new Network(service, messages);
    await network.openGroup();
    diagnosis = `Bardet-Biedl syndrom ${network.tag}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  /** Fills the form's text fields and selects by their ids (each has a label: the a11y check proves it). */
  async function fill(page: Page, fields: Record<string, string>): Promise<void> {
    for (const [id, value] of Object.entries(fields)) {
      if (id === 'country' || id === 'relation') await page.selectOption(`#${id}`, value);
      else await page.fill(`#${id}`, value);
    }
  }

  const verificationLink = (email: string) =>
    network.until(`the verification mail to ${email}`, async () => {
      const mail = (await messages()).find((message) => message.to.includes(email));
      return mail && /https?:\/\/\S+\/verify\?token=[^\s"<]+/.exec(mail.text)?.[0];
    });

  it('takes a Danish sign-up from the form to the mail’s link to admission', async () => {
    const person = personOf(1, network.tag);
    const { page } = await newVisitor(browser);
    await page.goto(`${service.url}/`);
    expect(await page.getAttribute('html', 'lang')).toBe('da');
    expect(await page.textContent('h1')).toBe('Meld dig ind i Sjældne-netværket');
    expect(await page.textContent('.consent-version')).toBe('Samtykketekst, version 1');
    expect(await page.textContent('.consent-text')).toContain('giver udtrykkeligt samtykke');
    for (const optIn of ['#consentGiven', '#cluster', '#greenland', '#newsletter', '#meetups', '#facebook']) expect({ optIn, checked: await page.isChecked(optIn) }).toEqual({ optIn, checked: false });
    await checkPage(page, 'join-da');

    await fill(page, { diagnosis, birthYear: '1980', name: person.name, email: person.email, phone: '+45 20 11 22 01', street: person.street, postalCode: '2300', city: 'København S' });
    await page.check('#role');
    await page.check('#consentGiven');
    await page.check('#newsletter');
    await page.getByRole('button', { name: 'Meld mig ind' }).click();
    expect(await page.textContent('h1')).toBe('Tjek din e-mail');
    await checkPage(page, 'join-sent-da');

    await page.goto(`${service.url}${pathOf(await verificationLink(person.email))}`);
    expect(await page.textContent('h1')).toBe('Bekræft din e-mailadresse');
    await checkPage(page, 'verify-da');
    await page.getByRole('button', { name: 'Bekræft e-mailadressen' }).click();
    expect(await page.textContent('h1')).toBe('Din e-mailadresse er bekræftet');
    expect(await page.textContent('main')).toContain('Du er nu med i din diagnosegruppe i Sjældne-netværket.');
    await checkPage(page, 'verified-da');

    await page.goBack();
    await page.getByRole('button', { name: 'Bekræft e-mailadressen' }).click();
    expect(await page.textContent('h1')).toBe('Linket virker ikke');
    expect(await page.textContent('main')).toContain('Linket er allerede brugt');
    await checkPage(page, 'verify-used-da');
  });

  it('takes a Swedish sign-up through, switching the form’s language without losing what was typed', async () => {
    const person = { ...personOf(2, network.tag), email: `sv.${network.tag}@example.org` };
    const { page } = await newVisitor(browser);
    await page.goto(`${service.url}/join`);
    await fill(page, { name: person.name, email: person.email });
    await page.check('#newsletter');
    await page.getByRole('button', { name: 'Svenska' }).click();
    expect(await page.getAttribute('html', 'lang')).toBe('sv');
    expect(await page.textContent('h1')).toBe('Gå med i Sjældne-netværket');
    expect(await page.inputValue('#name')).toBe(person.name);
    expect(await page.inputValue('#email')).toBe(person.email);
    expect(await page.isChecked('#newsletter')).toBe(true);
    expect(await page.textContent('.consent-text')).toContain('ger mitt uttryckliga samtycke');
    await checkPage(page, 'join-sv');

    await fill(page, { diagnosis, birthYear: '1975', phone: '+46 70 123 45 67', street: 'Storgatan 1', postalCode: '113 51', city: 'Stockholm', country: 'SE' });
    await page.check('#role');
    await page.check('#consentGiven');
    await page.getByRole('button', { name: 'Gå med' }).click();
    expect(await page.textContent('h1')).toBe('Kolla din e-post');
    await checkPage(page, 'join-sent-sv');

    const { page: fromMail } = await newVisitor(browser);
    await fromMail.goto(`${service.url}${pathOf(await verificationLink(person.email))}`);
    expect(await fromMail.getAttribute('html', 'lang')).toBe('sv');
    await checkPage(fromMail, 'verify-sv');
    await fromMail.getByRole('button', { name: 'Bekräfta e-postadressen' }).click();
    expect(await fromMail.textContent('h1')).toBe('Din e-postadress är bekräftad');
    expect(await fromMail.textContent('main')).toContain('Du är nu med i din diagnosgrupp i Sjældne-netværket.');
    await checkPage(fromMail, 'verified-sv');
  });

  it('shows a refused postal code next to its field, in the form’s language, keeping everything else', async () => {
    const person = personOf(3, network.tag);
    const { page } = await newVisitor(browser);
    await page.goto(`${service.url}/join`);
    await fill(page, { diagnosis, birthYear: '1990', name: person.name, email: person.email, phone: '+45 20 11 22 03', street: person.street, city: 'Odense', postalCode: '21' });
    await page.check('#role');
    await page.check('#consentGiven');
    await page.check('#meetups');
    await page.press('#postalCode', 'Enter'); // the form's default button sends it (not a language switch)

    expect(await page.getAttribute('html', 'lang')).toBe('da');
    expect(await page.textContent('#postalCode-error')).toContain('Postnummeret passer ikke til Danmark. Skriv det sådan: 2100.');
    expect(await page.getAttribute('#postalCode', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#postalCode', 'aria-describedby')).toContain('postalCode-error');
    expect(await page.textContent('.error-summary')).toContain('Postnummeret passer ikke til Danmark');
    expect(await page.title()).toMatch(/^Fejl: /);
    expect({
      diagnosis: await page.inputValue('#diagnosis'),
      name: await page.inputValue('#name'),
      email: await page.inputValue('#email'),
      street: await page.inputValue('#street'),
      city: await page.inputValue('#city'),
      postalCode: await page.inputValue('#postalCode'),
      patient: await page.isChecked('#role'),
      consent: await page.isChecked('#consentGiven'),
      meetups: await page.isChecked('#meetups'),
      newsletter: await page.isChecked('#newsletter'),
    }).toEqual({ diagnosis, name: person.name, email: person.email, street: person.street, city: 'Odense', postalCode: '21', patient: true, consent: true, meetups: true, newsletter: false });
    await checkPage(page, 'join-postal-code-error-da');

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    expect(await page.textContent('#postalCode-error')).toContain('The postal code does not fit Denmark. Write it like this: 2100.');
    await checkPage(page, 'join-postal-code-error-en');
  });

  it('names every missing field of an empty form, and can be walked by keyboard with the focus always visible', async () => {
    const { page } = await newVisitor(browser);
    await page.goto(`${service.url}/join?lang=nb`);
    await page.getByRole('button', { name: 'Meld meg inn' }).click();
    for (const field of ['diagnosis', 'role', 'name', 'email', 'phone', 'street', 'postalCode', 'city']) {
      expect({ field, error: await page.locator(`#${field}-error`).count() }).toEqual({ field, error: 1 });
    }
    expect(await page.textContent('#name-error')).toContain('Skriv navnet ditt.');
    await checkPage(page, 'join-empty-nb');

    const person = personOf(4, network.tag);
    await fill(page, { diagnosis, name: person.name, email: person.email, phone: '+47 412 34 567', street: 'Storgata 1', postalCode: '0150', city: 'Oslo', country: 'NO' });
    await page.check('#role-relative');
    await fill(page, { relation: 'parent', patientBirthYear: '2015' });
    await page.getByRole('button', { name: 'Meld meg inn' }).click();
    expect(await page.textContent('#consentGiven-error')).toContain('Du må gi samtykket ditt for å melde deg inn.');
    expect(await page.locator('.error-message').count()).toBe(1);

    await page.goto(`${service.url}/join`);
    const reached = await tabThrough(page, 'button:Meld mig ind');
    expect(reached.filter((stop) => !stop.visible)).toEqual([]);
    expect(reached.map((stop) => stop.element)).toEqual(expect.arrayContaining(['#diagnosis', '#role', '#birthYear', '#name', '#postalCode', '#country', '#consentGiven', '#facebook', 'button:Meld mig ind']));
  });

  it('keeps Swagger UI working under its own CSP', async () => {
    const { page } = await newVisitor(browser);
    await page.goto(`${service.url}/api/docs`);
    await page.waitForSelector('.swagger-ui .info .title');
    expect(await page.textContent('.swagger-ui .info .title')).toContain('Sjældne-netværket');
    await page.screenshot({ path: join(SCREENSHOTS, 'api-docs.png') });
  });
});
