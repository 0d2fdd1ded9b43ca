import Handlebars from 'handlebars';
import { type Language, memberStream } from '../../contracts/events/membership.events';
import { loadState } from '../event-store/command-handling';
import type { EventStore } from '../event-store/event-store.port';
import { memberEvolver } from '../membership/member';
import type { MailedOptIn } from './mail-links';

/**
 * The small pages behind the links in newsletters and invitations. A GET only shows a page with
 * a button; the button POSTs, and only the POST changes anything: mail scanners and link
 * previews fetch the links of a mail unasked, and must neither unsubscribe anyone nor answer
 * an invitation for them.
 */
export type LinkPageKind = `unsubscribe-${MailedOptIn}` | 'meetup-yes' | 'meetup-no';

interface PageTexts {
  title: string;
  question: string;
  button: string;
  done: string;
}

const TEXTS: Record<Language, Record<LinkPageKind, PageTexts>> = {
  da: {
    'unsubscribe-newsletter': { title: 'Afmeld nyhedsbrevet', question: 'Vil du afmelde Sjældne-netværkets nyhedsbrev?', button: 'Ja, afmeld nyhedsbrevet', done: 'Du er afmeldt nyhedsbrevet og får det ikke mere. Dit medlemskab af Sjældne-netværket er som før.' },
    'unsubscribe-meetups': { title: 'Afmeld invitationer', question: 'Vil du afmelde invitationer til Sjældne-træf?', button: 'Ja, afmeld invitationerne', done: 'Du er afmeldt invitationer til Sjældne-træf og får ikke flere. Dit medlemskab af Sjældne-netværket er som før.' },
    'meetup-yes': { title: 'Sjældne-træf', question: 'Kommer du til Sjældne-træf?', button: 'Ja, jeg kommer', done: 'Tak for dit svar: du kommer. Du kan ændre det med det andet link i invitationen.' },
    'meetup-no': { title: 'Sjældne-træf', question: 'Vil du svare, at du ikke kommer til Sjældne-træf?', button: 'Nej, jeg kommer ikke', done: 'Tak for dit svar: du kommer ikke. Du kan ændre det med det andet link i invitationen.' },
  },
  sv: {
    'unsubscribe-newsletter': { title: 'Avanmäl nyhetsbrevet', question: 'Vill du avanmäla dig från Sjældne-netværkets nyhetsbrev?', button: 'Ja, avanmäl nyhetsbrevet', done: 'Du är avanmäld från nyhetsbrevet och får det inte längre. Ditt medlemskap i Sjældne-netværket är som förut.' },
    'unsubscribe-meetups': { title: 'Avanmäl inbjudningar', question: 'Vill du avanmäla dig från inbjudningar till Sjældne-træf?', button: 'Ja, avanmäl inbjudningarna', done: 'Du är avanmäld från inbjudningar till Sjældne-træf och får inga fler. Ditt medlemskap i Sjældne-netværket är som förut.' },
    'meetup-yes': { title: 'Sjældne-træf', question: 'Kommer du till Sjældne-træf?', button: 'Ja, jag kommer', done: 'Tack för ditt svar: du kommer. Du kan ändra det med den andra länken i inbjudan.' },
    'meetup-no': { title: 'Sjældne-træf', question: 'Vill du svara att du inte kommer till Sjældne-træf?', button: 'Nej, jag kommer inte', done: 'Tack för ditt svar: du kommer inte. Du kan ändra det med den andra länken i inbjudan.' },
  },
  nb: {
    'unsubscribe-newsletter': { title: 'Meld deg av nyhetsbrevet', question: 'Vil du melde deg av nyhetsbrevet fra Sjældne-netværket?', button: 'Ja, meld meg av nyhetsbrevet', done: 'Du er meldt av nyhetsbrevet og får det ikke lenger. Medlemskapet ditt i Sjældne-netværket er som før.' },
    'unsubscribe-meetups': { title: 'Meld deg av invitasjoner', question: 'Vil du melde deg av invitasjoner til Sjældne-træf?', button: 'Ja, meld meg av invitasjonene', done: 'Du er meldt av invitasjoner til Sjældne-træf og får ikke flere. Medlemskapet ditt i Sjældne-netværket er som før.' },
    'meetup-yes': { title: 'Sjældne-træf', question: 'Kommer du til Sjældne-træf?', button: 'Ja, jeg kommer', done: 'Takk for svaret: du kommer. Du kan endre det med den andre lenken i invitasjonen.' },
    'meetup-no': { title: 'Sjældne-træf', question: 'Vil du svare at du ikke kommer til Sjældne-træf?', button: 'Nei, jeg kommer ikke', done: 'Takk for svaret: du kommer ikke. Du kan endre det med den andre lenken i invitasjonen.' },
  },
  en: {
    'unsubscribe-newsletter': { title: 'Unsubscribe from the newsletter', question: 'Do you want to unsubscribe from the newsletter of Sjældne-netværket?', button: 'Yes, unsubscribe', done: 'You have unsubscribed from the newsletter and will not get it any more. Your membership of Sjældne-netværket is as before.' },
    'unsubscribe-meetups': { title: 'Unsubscribe from invitations', question: 'Do you want to unsubscribe from invitations to Sjældne-træf?', button: 'Yes, unsubscribe', done: 'You have unsubscribed from invitations to Sjældne-træf and will get no more. Your membership of Sjældne-netværket is as before.' },
    'meetup-yes': { title: 'Sjældne-træf', question: 'Will you come to Sjældne-træf?', button: 'Yes, I will come', done: 'Thank you for your answer: you will come. You can change it with the other link in the invitation.' },
    'meetup-no': { title: 'Sjældne-træf', question: 'Do you want to answer that you will not come to Sjældne-træf?', button: 'No, I will not come', done: 'Thank you for your answer: you will not come. You can change it with the other link in the invitation.' },
  },
};

const escape = Handlebars.escapeExpression;

/** Headers of every link page: never cached or indexed, and the token in its address is sent nowhere. */
export const LINK_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Robots-Tag': 'noindex',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
};

/** The page a link shows first (GET): the question and a button that POSTs to `action`. */
export function confirmationPage(language: Language, kind: LinkPageKind, action: string): string {
  const texts = TEXTS[language][kind];
  return page(language, texts.title, `<p>${escape(texts.question)}</p>\n<form method="post" action="${escape(action)}"><button type="submit">${escape(texts.button)}</button></form>`);
}

/** The page after the POST. */
export function donePage(language: Language, kind: LinkPageKind): string {
  const texts = TEXTS[language][kind];
  return page(language, texts.title, `<p>${escape(texts.done)}</p>`);
}

/** The language the member chose at sign-up (Danish for a member the log does not know). */
export async function memberLanguage(store: EventStore, memberId: string): Promise<Language> {
  return (await loadState(store, memberStream(memberId), memberEvolver)).state.language;
}

function page(language: Language, title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="${language}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;max-width:600px;margin:40px auto;padding:0 24px;line-height:1.55;color:#222222;">
<h1 style="font-size:22px;color:#00566b;">${escape(title)}</h1>
${body}
<p style="margin-top:32px;font-size:13px;color:#555555;">Sjældne-netværket · Sjældne Diagnoser</p>
</body>
</html>
`;
}
