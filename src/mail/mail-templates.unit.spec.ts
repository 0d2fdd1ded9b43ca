import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MailMarkdown } from './mail-markdown';
import { type ContactListEntryView, MAIL_LANGUAGES, MAIL_TEMPLATE_NAMES, MailTemplates, type MailTemplateData, type MailTemplateName } from './mail-templates';

const NORDIC_NAME = 'Ærø Åse Øster Þórunn Guðmundsdóttir';
const LINK = 'https://netvaerket.example.org/verify?token=6f1c2a9e-1111-4222-8333-444455556666.abcDEF_-';
const SIGN_IN_LINK = 'https://netvaerket.example.org/me/sign-in?token=Zm9vYmFyYmF6cXV4LXNpZ24taW4tdG9rZW4tZm9yLXRlc3Rz';

/** Rendered by one instance for the samples (entries are rendered once and reused, like the sender does). */
const entryTemplates = new MailTemplates();
const entries = (language: string, views: ContactListEntryView[]) => entryTemplates.listEntries(views.map((view) => entryTemplates.listEntry(language, view)));
const DORA: ContactListEntryView = {
  number: 1,
  name: 'Ðóra Ærlig',
  address: { street: 'Aqqusinersuaq 3', postalCode: '3900', city: 'Nuuk', country: 'GL' },
  phone: '+299321234',
  email: 'dora@example.gl',
  newcomer: false,
  removed: false,
};
const SOREN: ContactListEntryView = { number: 2, name: 'Søren Åberg', email: 'soren@example.dk', newcomer: false, removed: false };

const sample: { [N in MailTemplateName]: MailTemplateData[N] } = {
  verification: { name: NORDIC_NAME, link: LINK, expiresAt: '2026-11-30T12:00:00.000Z', emailChange: false, contactEmail: 'netvaerket@sjaeldnediagnoser.dk' },
  'sign-in-link': {
    name: NORDIC_NAME,
    link: SIGN_IN_LINK,
    expiresAt: '2026-11-29T12:15:00.000Z',
    minutes: 15,
    diagnosisName: 'Alström syndrom',
    contactEmail: 'netvaerket@sjaeldnediagnoser.dk',
  },
  referral: {
    name: NORDIC_NAME,
    diagnosisName: 'Prader-Willi syndrom',
    association: { name: 'Landsforeningen for Prader-Willi Syndrom', email: 'kontakt@pws.example.dk', url: 'https://pws.example.dk' },
    contactEmail: 'netvaerket@sjaeldnediagnoser.dk',
  },
  'not-rare': { name: NORDIC_NAME, diagnosisName: 'Migræne', contactEmail: 'netvaerket@sjaeldnediagnoser.dk' },
  'contact-list-welcome': {
    name: NORDIC_NAME,
    diagnosisName: 'Alström syndrom',
    listReference: 'SN-7K2M9QXA',
    entries: entries('da', [DORA, SOREN]),
    greenlandOnly: false,
    contactEmail: 'netvaerket@sjaeldnediagnoser.dk',
  },
  'contact-list-update': {
    name: NORDIC_NAME,
    diagnosisName: 'Alström syndrom',
    listReference: 'SN-7K2M9QXB',
    entries: entries('da', [
      { number: 1, name: 'Ðóra Ærlig', phone: '+299321234', newcomer: true, removed: false },
      { number: 2, name: '', newcomer: false, removed: true },
    ]),
    newcomerCount: 1,
    greenlandOnly: true,
    contactEmail: 'netvaerket@sjaeldnediagnoser.dk',
  },
  'deletion-notice': {
    name: NORDIC_NAME,
    listReference: 'SN-7K2M9QXC',
    heldListReference: 'SN-7K2M9QXB',
    entryNumber: 4,
    listedAt: '2026-11-29T12:00:00.000Z',
    contactEmail: 'netvaerket@sjaeldnediagnoser.dk',
  },
  correction: {
    name: NORDIC_NAME,
    listReference: 'SN-7K2M9QXD',
    correctedListReference: 'SN-7K2M9QXB',
    entryNumber: 2,
    listedAt: '2026-11-29T12:00:00.000Z',
    entry: entries('da', [{ number: 2, name: 'Søren Åberg', phone: '+4520123456', newcomer: false, removed: false }]),
    contactEmail: 'netvaerket@sjaeldnediagnoser.dk',
  },
  'erasure-receipt': { name: NORDIC_NAME, erasedAt: '2026-11-29T12:00:00.000Z', recipientsNotified: 2, contactEmail: 'netvaerket@sjaeldnediagnoser.dk' },
  'contact-list-notice': {
    listReference: 'SN-7K2M9QXE',
    signInLink: 'https://netvaerket.example.org/me/sign-in',
    welcome: false,
    corrected: false,
    contactEmail: 'netvaerket@sjaeldnediagnoser.dk',
  },
  newsletter: {
    name: NORDIC_NAME,
    subject: 'Nyhedsbrev juni 2026',
    body: MailMarkdown.render('## Sommer\n\nSe [programmet](https://sjaeldnediagnoser.example.dk/program).'),
    unsubscribeLink: 'https://netvaerket.example.org/unsubscribe?token=6f1c2a9e-1111-4222-8333-444455556666.newsletter.abcDEF_-',
    contactEmail: 'netvaerket@sjaeldnediagnoser.dk',
  },
  'meetup-invitation': {
    name: NORDIC_NAME,
    startsAt: '2026-06-13T08:00:00.000Z',
    place: 'Sjældne Diagnoser, Fruebjergvej 3, 2100 København Ø',
    onlineLink: 'https://meet.example.org/traef',
    description: MailMarkdown.render('Vi mødes til **frokost** og snak.'),
    yesLink: 'https://netvaerket.example.org/meetup-reply?token=t&answer=yes',
    noLink: 'https://netvaerket.example.org/meetup-reply?token=t&answer=no',
    unsubscribeLink: 'https://netvaerket.example.org/unsubscribe?token=6f1c2a9e-1111-4222-8333-444455556666.meetups.abcDEF_-',
    contactEmail: 'netvaerket@sjaeldnediagnoser.dk',
  },
  'association-founded': {
    name: NORDIC_NAME,
    diagnosisName: 'Alström syndrom',
    association: { name: 'Foreningen for Alström syndrom', email: 'kontakt@alstrom.example.dk', url: 'https://alstrom.example.dk' },
    contactEmail: 'netvaerket@sjaeldnediagnoser.dk',
  },
  'consent-hand-over': {
    relativeName: NORDIC_NAME,
    consentAge: 15,
    link: 'https://netvaerket.example.org/consent-hand-over?token=6f1c2a9e-1111-4222-8333-444455556666.abcDEF_-',
    lapsesAt: '2028-03-01T03:00:00.000Z',
    contactEmail: 'netvaerket@sjaeldnediagnoser.dk',
  },
  'consent-hand-over-relative': { name: NORDIC_NAME, consentAge: 15, lapsesAt: '2028-03-01T03:00:00.000Z', contactEmail: 'netvaerket@sjaeldnediagnoser.dk' },
};

/** A portal delivery's notice names nobody, not even its recipient. */
const GREETS_BY_NAME = (name: MailTemplateName): boolean => name !== 'contact-list-notice';

describe('the mail templates', () => {
  const templates = new MailTemplates();

  describe.each(MAIL_TEMPLATE_NAMES.flatMap((name) => MAIL_LANGUAGES.map((language) => [name, language] as const)))('%s in %s', (name, language) => {
    const mail = templates.render(name, language, sample[name] as never);

    it('renders a subject, a text and an HTML part with nothing left unfilled', () => {
      expect(mail.subject.length).toBeGreaterThan(10);
      expect(mail.subject).not.toMatch(/\n/);
      for (const part of [mail.subject, mail.text, mail.html]) {
        expect(part).not.toMatch(/\{\{|\}\}|undefined|\[object Object\]/);
      }
      if (GREETS_BY_NAME(name)) expect(mail.text).toContain(NORDIC_NAME);
      expect(mail.text).toContain('netvaerket@sjaeldnediagnoser.dk');
      expect(mail.text).toMatch(/Sjældne Diagnoser\n$/);
    });

    it('is a whole HTML document in its own language', () => {
      expect(mail.html).toMatch(/^<!DOCTYPE html>/);
      expect(mail.html).toContain(`<html lang="${language}">`);
      expect(mail.html).toContain(`<title>${mail.subject}</title>`);
      if (GREETS_BY_NAME(name)) expect(mail.html).toContain(NORDIC_NAME);
      expect(mail.html).not.toMatch(/<(img|link|script)\b|src=|url\(/i);
    });

    it('is written in that language, not the Danish fallback', () => {
      const danish = templates.render(name, 'da', sample[name] as never);
      if (language === 'da') expect(mail).toEqual(danish);
      else expect(mail.text).not.toEqual(danish.text);
    });
  });

  it('puts the verification link in both parts and says when it expires, in the member\'s language', () => {
    const da = templates.render('verification', 'da', sample.verification);
    expect(da.text).toContain(`\n${LINK}\n`);
    expect(da.html).toContain('href="https://netvaerket.example.org/verify?token&#x3D;6f1c2a9e-1111-4222-8333-444455556666.abcDEF_-"');
    expect(da.text).toContain('30. november 2026 kl. 13.00');
    expect(templates.render('verification', 'en', sample.verification).text).toContain('30 November 2026 at 13:00');
    expect(templates.render('verification', 'sv', sample.verification).subject).toBe('Bekräfta din e-postadress för Sjældne-netværket');
  });

  it('puts the sign-in link in both parts and says how long it works, in the member\'s language', () => {
    const da = templates.render('sign-in-link', 'da', sample['sign-in-link']);
    expect(da.subject).toBe('Dit link til at logge ind i Sjældne-netværket');
    expect(da.text).toContain(`\n${SIGN_IN_LINK}\n`);
    expect(da.html).toContain('href="https://netvaerket.example.org/me/sign-in?token&#x3D;Zm9vYmFyYmF6cXV4LXNpZ24taW4tdG9rZW4tZm9yLXRlc3Rz"');
    expect(da.text).toContain('Linket virker én gang og i 15 minutter, til 29. november 2026 kl. 13.15 (dansk tid).');
    expect(da.text).toContain('(gruppen for Alström syndrom)');
    const en = templates.render('sign-in-link', 'en', { ...sample['sign-in-link'], minutes: 30, expiresAt: '2026-11-29T12:30:00.000Z' });
    expect(en.text).toContain('The link works once and for 30 minutes, until 29 November 2026 at 13:30 (Danish time).');
    expect(en.html).toContain('for 30 minutes, until 29 November 2026 at 13:30');
    expect(templates.render('sign-in-link', 'sv', sample['sign-in-link']).text).toContain('i 15 minuter');
    expect(templates.render('sign-in-link', 'nb', sample['sign-in-link']).text).toContain('i 15 minutter');
  });

  it('leaves the group out of a sign-in link when its name is not known', () => {
    const mail = templates.render('sign-in-link', 'en', { ...sample['sign-in-link'], diagnosisName: null });
    expect(mail.text).toContain('You asked to sign in to Sjældne-netværket. Please click');
    expect(mail.html).not.toContain('the group for');
  });

  it('words an email change differently from a sign-up', () => {
    const change = templates.render('verification', 'nb', { ...sample.verification, emailChange: true });
    expect(change.subject).toBe('Bekreft den nye e-postadressen din for Sjældne-netværket');
    expect(change.text).toContain('endre e-postadressen');
  });

  it('escapes every value in the HTML part and none in the text part', () => {
    const name = '<script>alert("x")</script> & Co';
    const mail = templates.render('referral', 'da', {
      ...sample.referral,
      name,
      association: { name: '<b>Forening</b>', url: 'https://x.example/?a=1&b="2"' },
    });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<b>Forening</b>');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
    expect(mail.html).toContain('href="https://x.example/?a&#x3D;1&amp;b&#x3D;&quot;2&quot;"');
    expect(mail.text).toContain(`Kære ${name}\n`);
    expect(mail.text).toContain('<b>Forening</b>');
  });

  it('names the association with whatever contact details it has, and offers help when it is unknown', () => {
    const full = templates.render('referral', 'en', sample.referral);
    expect(full.text).toContain('Landsforeningen for Prader-Willi Syndrom\nEmail: kontakt@pws.example.dk\nWebsite: https://pws.example.dk\n');
    expect(full.html).toContain('<a href="mailto:kontakt@pws.example.dk"');
    const nameOnly = templates.render('referral', 'en', { ...sample.referral, association: { name: 'PWS' } });
    expect(nameOnly.text).toContain('\nPWS\n\nWe have not passed your details on');
    const unknown = templates.render('referral', 'en', { ...sample.referral, association: null });
    expect(unknown.text).toContain('we will tell you which association it is');
  });

  it('shows each list entry with only the fields it has, newcomers marked, in the mail\'s language', () => {
    const welcome = entryTemplates.render('contact-list-welcome', 'da', sample['contact-list-welcome']);
    expect(welcome.subject).toBe('Kontaktlisten for Alström syndrom i Sjældne-netværket');
    expect(welcome.text).toContain(
      '1. Ðóra Ærlig\n   Aqqusinersuaq 3, 3900 Nuuk, Grønland\n   Telefon: +299321234\n   E-mail: dora@example.gl\n\n2. Søren Åberg\n   E-mail: soren@example.dk\n\n',
    );
    expect(welcome.text).toContain('Listens reference: SN-7K2M9QXA.');
    expect(welcome.text).toContain('Giv den ikke videre');
    expect(welcome.html).toContain('<a href="mailto:dora@example.gl"');
    const swedish = entries('sv', [
      { number: 1, name: 'Ðóra Ærlig', phone: '+299321234', newcomer: true, removed: false },
      { number: 2, name: '', newcomer: false, removed: true },
    ]);
    const update = entryTemplates.render('contact-list-update', 'sv', { ...sample['contact-list-update'], entries: swedish });
    expect(update.text).toContain('1. Ðóra Ærlig (NY)\n   Telefon: +299321234\n\n2. (uppgifterna är raderade)\n\n');
    expect(update.text).toContain('Eftersom du bor på Grönland');
    expect(entryTemplates.render('contact-list-update', 'en', { ...sample['contact-list-update'], entries: entries('en', [DORA]) }).text).toContain('Greenland\n');
    expect(entries('en', [{ ...DORA, newcomer: true }]).html.toString()).toContain('>NEW</span>');
    const alone = entryTemplates.render('contact-list-welcome', 'nb', { ...sample['contact-list-welcome'], entries: entries('nb', []) });
    expect(alone.text).toContain('Du er den første i gruppen.');
  });

  it('asks to delete an entry by its number and list reference, without anything about the person', () => {
    const notice = templates.render('deletion-notice', 'da', sample['deletion-notice']);
    expect(notice.text).toContain('Nr. 4 på den kontaktliste, du fik fra os den 29. november 2026 (reference SN-7K2M9QXB), skal ikke længere stå på listen.');
    expect(notice.text).toContain('Reference for denne besked: SN-7K2M9QXC');
    const correction = entryTemplates.render('correction', 'en', { ...sample.correction, entry: entries('en', [{ number: 2, name: 'Søren Åberg', phone: '+4520123456', newcomer: false, removed: false }]) });
    expect(correction.text).toContain('This is entry no. 2 as it is now:\n\n2. Søren Åberg\n   Phone: +4520123456\n\n');
  });

  it('tells a portal recipient only that their group\'s list changed and where to sign in, in the member\'s language', () => {
    const updated = templates.render('contact-list-notice', 'da', sample['contact-list-notice']);
    expect(updated.subject).toBe('Din gruppes kontaktliste er opdateret – Sjældne-netværket');
    expect(updated.text).toContain('\nhttps://netvaerket.example.org/me/sign-in\n');
    expect(updated.html).toContain('href="https://netvaerket.example.org/me/sign-in"');
    expect(updated.text).toContain('Reference for denne besked: SN-7K2M9QXE');
    expect(templates.render('contact-list-notice', 'en', { ...sample['contact-list-notice'], welcome: true }).subject).toBe('The contact list of your group is ready – Sjældne-netværket');
    expect(templates.render('contact-list-notice', 'sv', { ...sample['contact-list-notice'], corrected: true }).text).toContain('har rättat sina kontaktuppgifter');
  });

  it('tells an erased member what was erased, what is kept and why, and how many earlier recipients are asked to delete it', () => {
    const receipt = templates.render('erasure-receipt', 'en', sample['erasure-receipt']);
    expect(receipt.subject).toBe('Your details have been erased from Sjældne-netværket');
    expect(receipt.text).toContain('On 29 November 2026 at 13:00 we erased your details');
    for (const erased of ['your name', 'your email address', 'your phone number', 'your postal address', 'the record of your consent', 'your membership of the diagnosis group', 'your opt-ins']) {
      expect(receipt.text).toContain(`\n- ${erased}`);
      expect(receipt.html).toContain(`<li>${erased}`);
    }
    expect(receipt.text).toContain('GDPR Article 5(2) and Article 17(3)(b) and (e)');
    expect(receipt.text).toContain('Members who received your details on a contact list: 2. We are asking each of them to delete them.');
    const unlisted = templates.render('erasure-receipt', 'da', { ...sample['erasure-receipt'], recipientsNotified: 0 });
    expect(unlisted.text).toContain('Dine oplysninger har ikke stået på nogen kontaktliste');
    expect(unlisted.text).not.toContain('Antal medlemmer');
    expect(templates.render('erasure-receipt', 'sv', sample['erasure-receipt']).text).toContain('kontaktlista: 2.');
    expect(templates.render('erasure-receipt', 'nb', sample['erasure-receipt']).text).toContain('kontaktliste: 2.');
  });

  it('asks the young person to confirm the consent their relative gave, by a date, and the relative to pass that on', () => {
    const young = templates.render('consent-hand-over', 'da', sample['consent-hand-over']);
    expect(young.subject).toBe('Du bestemmer nu selv over dit medlemskab af Sjældne-netværket');
    expect(young.text).toContain(`meldt ind i Sjældne-netværket af ${NORDIC_NAME}`);
    expect(young.text).toContain('Nu er du fyldt 15 år og bestemmer selv.');
    expect(young.text).toContain(`\n${sample['consent-hand-over'].link}\n`);
    expect(young.html).toContain(`href="${sample['consent-hand-over'].link.replace(/=/g, '&#x3D;')}"`);
    expect(young.text).toContain('Bekræfter du ikke senest den 1. marts 2028, slutter medlemskabet');
    expect(templates.render('consent-hand-over', 'nb', { ...sample['consent-hand-over'], consentAge: 18 }).text).toContain('Nå har du fylt 18 år');
    const relative = templates.render('consent-hand-over-relative', 'sv', sample['consent-hand-over-relative']);
    expect(relative.subject).toBe('Samtycket till Sjældne-netværket ska nu ges av den unga själv');
    expect(relative.text).toContain('Ge det gärna vidare till den unga.');
    expect(relative.text).toContain('senast den 1 mars 2028');
    expect(relative.text).not.toContain('token=');
  });

  it('escapes every value of a list entry in the HTML part', () => {
    const hostile = '<script>alert(1)</script>"&';
    const mail = entryTemplates.render('contact-list-update', 'da', {
      ...sample['contact-list-update'],
      entries: entries('da', [{ number: 1, name: hostile, email: `x"><script>@example.org`, address: { street: hostile, postalCode: '1', city: hostile, country: 'DK' }, newcomer: true, removed: false }]),
    });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&amp;');
    expect(mail.html).toContain('href="mailto:x&quot;&gt;&lt;script&gt;@example.org"');
    expect(mail.text).toContain(`1. ${hostile} (NY)\n`);
  });

  it('lets into a message only entries it rendered itself', () => {
    expect(() => entryTemplates.listEntries([{ text: 'x', html: '<script>alert(1)</script>' }])).toThrow(/rendered by MailTemplates/);
    expect(() => templates.listEntries([entryTemplates.listEntry('da', SOREN)])).toThrow(/rendered by MailTemplates/);
  });

  it('falls back to Danish for a language it has no templates in', () => {
    expect(templates.render('not-rare', 'fo', sample['not-rare'])).toEqual(templates.render('not-rare', 'da', sample['not-rare']));
  });

  it('never turns escaping off in a template', () => {
    const directory = join(__dirname, 'templates');
    const files = readdirSync(directory, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.hbs'));
    // The layout, three parts per message and language, and the contact-list entry (text, HTML) per language.
    expect(files).toHaveLength(1 + MAIL_TEMPLATE_NAMES.length * MAIL_LANGUAGES.length * 3 + MAIL_LANGUAGES.length * 2);
    for (const file of files) expect(readFileSync(join(directory, file), 'utf8')).not.toMatch(/\{\{\{|\{\{&/);
  });
});
