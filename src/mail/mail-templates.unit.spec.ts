import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAIL_LANGUAGES, MAIL_TEMPLATE_NAMES, MailTemplates, type MailTemplateData, type MailTemplateName } from './mail-templates';

const NORDIC_NAME = 'Ærø Åse Øster Þórunn Guðmundsdóttir';
const LINK = 'https://netvaerket.example.org/verify?token=6f1c2a9e-1111-4222-8333-444455556666.abcDEF_-';

const sample: { [N in MailTemplateName]: MailTemplateData[N] } = {
  verification: { name: NORDIC_NAME, link: LINK, expiresAt: '2026-11-30T12:00:00.000Z', emailChange: false, contactEmail: 'netvaerket@sjaeldnediagnoser.dk' },
  referral: {
    name: NORDIC_NAME,
    diagnosisName: 'Prader-Willi syndrom',
    association: { name: 'Landsforeningen for Prader-Willi Syndrom', email: 'kontakt@pws.example.dk', url: 'https://pws.example.dk' },
    contactEmail: 'netvaerket@sjaeldnediagnoser.dk',
  },
  'not-rare': { name: NORDIC_NAME, diagnosisName: 'Migræne', contactEmail: 'netvaerket@sjaeldnediagnoser.dk' },
};

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
      expect(mail.text).toContain(NORDIC_NAME);
      expect(mail.text).toContain('netvaerket@sjaeldnediagnoser.dk');
      expect(mail.text).toMatch(/Sjældne Diagnoser\n$/);
    });

    it('is a whole HTML document in its own language', () => {
      expect(mail.html).toMatch(/^<!DOCTYPE html>/);
      expect(mail.html).toContain(`<html lang="${language}">`);
      expect(mail.html).toContain(`<title>${mail.subject}</title>`);
      expect(mail.html).toContain(NORDIC_NAME);
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

  it('falls back to Danish for a language it has no templates in', () => {
    expect(templates.render('not-rare', 'fo', sample['not-rare'])).toEqual(templates.render('not-rare', 'da', sample['not-rare']));
  });

  it('never turns escaping off in a template', () => {
    const directory = join(__dirname, 'templates');
    const files = readdirSync(directory, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.hbs'));
    expect(files).toHaveLength(1 + MAIL_TEMPLATE_NAMES.length * MAIL_LANGUAGES.length * 3);
    for (const file of files) expect(readFileSync(join(directory, file), 'utf8')).not.toMatch(/\{\{\{|\{\{&/);
  });
});
