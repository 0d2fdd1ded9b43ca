import { Body, Controller, Get, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { COUNTRIES } from '../../../contracts/commands/join-network.dto';
import { ContactDetailsChangesDto } from '../../../contracts/commands/update-contact-details.dto';
import { OPT_INS, WithdrawOwnOptInDto } from '../../../contracts/commands/withdraw-opt-in.dto';
import type { Language } from '../../../contracts/events/membership.events';
import { MemberDirectory } from '../../../projections/member-directory/member-directory.queries';
import { AppConfig } from '../../config/app-config';
import { ContactListViewing } from '../../contact-lists/contact-list-viewing';
import { Clock } from '../../domain/clock';
import { MemberPage } from '../../http/access';
import type { RequestWithMember } from '../../http/access.guard';
import { commandContextOf } from '../../http/command-context';
import { InvalidInputException } from '../../http/validation';
import { MemberSessions } from '../../member-access/member-sessions';
import { MyData, type OwnData, exportFileName } from '../../member-access/my-data/my-data.queries';
import { EraseMemberCommand } from '../../membership/erase-member/erase-member.command';
import { initialMemberState, isActive } from '../../membership/member';
import { UpdateContactDetailsCommand } from '../../membership/update-contact-details/update-contact-details.command';
import { WithdrawConsentCommand } from '../../membership/withdraw-consent/withdraw-consent.command';
import { WithdrawOptInCommand } from '../../membership/withdraw-opt-in/withdraw-opt-in.command';
import { CsrfGuard } from '../csrf';
import { type FormErrors, NO_ERRORS, formBody, formCountry, formErrorsOf, validated } from '../forms';
import { TEXTS, fill } from '../i18n';
import { WebErrorFilter } from '../web-error.filter';
import { webCookies } from '../web-cookies';
import { WebPages, requestedLanguage } from '../web-pages';
import { type DetailsForm, contactDetailsPayload, detailsFormFrom, detailsFormOf } from './details-form';
import { addressLines, formatTime, overviewModel, recipientsModel } from './member-views';

/**
 * The member pages: the signed-in member's data and rights, on the session of the cookie the
 * sign-in page set (@MemberPage). Each page uses what the member API's /me route uses (MyData,
 * ContactListViewing, the same commands with actorRole member), so both say and do the same.
 * Forms post with a CSRF token; a page answering a form shows its outcome itself, since the read
 * models may not have caught up with the command yet.
 */
@ApiTags('web pages')
@Controller('me')
@MemberPage()
@UseFilters(WebErrorFilter)
export class SelfServicePagesController {
  constructor(
    private readonly myData: MyData,
    private readonly directory: MemberDirectory,
    private readonly viewing: ContactListViewing,
    private readonly sessions: MemberSessions,
    private readonly commands: CommandBus,
    private readonly clock: Clock,
    private readonly pages: WebPages,
    private readonly config: AppConfig,
  ) {}

  @Get('overview')
  @ApiOperation({ summary: 'My details: status, contact details, group, consent, opt-ins (HTML; the data of GET /me).' })
  @ApiProduces('text/html')
  async overview(@Req() request: RequestWithMember, @Res() response: Response): Promise<void> {
    const own = await this.myData.ownData(request.caller.memberId);
    const language = requestedLanguage(request) ?? own.language;
    const t = TEXTS[language];
    this.pages.send(request, response, 'overview', { language, title: t.overview.title, member: 'overview' }, overviewModel(own, t, language));
  }

  @Get('recipients')
  @ApiOperation({ summary: 'Who received my details, and staff look-ups of them (HTML; the data of GET /me/disclosures).' })
  @ApiProduces('text/html')
  async recipients(@Req() request: RequestWithMember, @Res() response: Response): Promise<void> {
    const language = await this.language(request);
    const t = TEXTS[language];
    const disclosures = await this.myData.disclosures(request.caller.memberId);
    this.pages.send(request, response, 'recipients', { language, title: t.recipients.title, member: 'recipients' }, recipientsModel(disclosures, t, language));
  }

  @Get('details')
  @ApiOperation({ summary: 'The form to correct my contact details (HTML).' })
  @ApiProduces('text/html')
  async details(@Req() request: RequestWithMember, @Res() response: Response): Promise<void> {
    const own = await this.myData.ownData(request.caller.memberId);
    this.showDetails(request, response, requestedLanguage(request) ?? own.language, detailsFormOf(own.personal), NO_ERRORS);
  }

  @Post('details')
  @UseGuards(CsrfGuard)
  @ApiOperation({ summary: 'Correct my contact details (form-encoded; UpdateContactDetailsCommand, as PATCH /me/contact-details).' })
  @ApiProduces('text/html')
  async correctDetails(@Body() raw: unknown, @Req() request: RequestWithMember, @Res() response: Response): Promise<void> {
    const language = await this.language(request);
    const t = TEXTS[language];
    const form = detailsFormFrom(formBody(raw));
    try {
      const changes = await validated(ContactDetailsChangesDto, contactDetailsPayload(form));
      const result = await this.commands.execute(new UpdateContactDetailsCommand(request.caller.memberId, changes, commandContextOf(request, this.clock)));
      const paragraphs = [result.updatedFields.length > 0 ? t.details.doneBody : '', result.emailVerificationRequested ? t.details.emailPending : ''].filter(Boolean);
      this.pages.send(request, response, 'message', { language, title: t.details.doneTitle, member: 'details' }, { paragraphs, links: [this.overviewLink(language)] });
    } catch (error) {
      const errors = formErrorsOf(error, t, formCountry(form));
      if (!errors) throw error;
      this.showDetails(request, response, language, form, errors, 400);
    }
  }

  @Get('consent')
  @ApiOperation({ summary: 'My consent and opt-ins, with the buttons that withdraw them (HTML).' })
  @ApiProduces('text/html')
  async consent(@Req() request: RequestWithMember, @Res() response: Response): Promise<void> {
    await this.showConsent(request, response, NO_ERRORS);
  }

  @Post('consent/withdraw')
  @UseGuards(CsrfGuard)
  @ApiOperation({ summary: 'Withdraw my consent (WithdrawConsentCommand, as POST /me/withdraw-consent).' })
  @ApiProduces('text/html')
  async withdrawConsent(@Req() request: RequestWithMember, @Res() response: Response): Promise<void> {
    const language = await this.language(request);
    const t = TEXTS[language].consent;
    try {
      await this.commands.execute(new WithdrawConsentCommand(request.caller.memberId, 'member', commandContextOf(request, this.clock)));
    } catch (error) {
      return this.showConsent(request, response, this.refused(error, language), 409);
    }
    this.pages.send(request, response, 'message', { language, title: t.withdrawnTitle, member: 'consent' }, { paragraphs: [t.withdrawnBody], links: [this.overviewLink(language)] });
  }

  @Post('consent/opt-out')
  @UseGuards(CsrfGuard)
  @ApiOperation({ summary: 'Withdraw one opt-in (form-encoded optIn; WithdrawOptInCommand, as POST /me/withdraw-opt-in).' })
  @ApiProduces('text/html')
  async withdrawOptIn(@Body() raw: unknown, @Req() request: RequestWithMember, @Res() response: Response): Promise<void> {
    const language = await this.language(request);
    const t = TEXTS[language].consent;
    try {
      const { optIn } = await validated(WithdrawOwnOptInDto, { optIn: formBody(raw).optIn });
      await this.commands.execute(new WithdrawOptInCommand(request.caller.memberId, optIn, 'member', commandContextOf(request, this.clock)));
      const paragraphs = [fill(t.optOutBody, { name: t.optIns[optIn].name })];
      this.pages.send(request, response, 'message', { language, title: t.optOutTitle, member: 'consent' }, { paragraphs, links: [this.overviewLink(language)] });
    } catch (error) {
      // An opt-in the page never offers is bad input; a refused command is about the member's state.
      await this.showConsent(request, response, this.refused(error, language), error instanceof InvalidInputException ? 400 : 409);
    }
  }

  /** Each view is a disclosure, recorded before it is shown: only this page, opened on purpose, shows the list. */
  @Get('list')
  @ApiOperation({ summary: 'My group’s contact list as it stands now (HTML; as GET /me/contact-lists, each view recorded as a disclosure).' })
  @ApiProduces('text/html')
  async list(@Req() request: RequestWithMember, @Res() response: Response): Promise<void> {
    const language = await this.language(request);
    const t = TEXTS[language];
    const lists = await this.viewing.view(request.caller.memberId, commandContextOf(request, this.clock));
    const groups = lists?.groups.map((group) => ({
      diagnosisName: group.diagnosisName,
      reference: fill(t.list.reference, { reference: group.listReference }),
      entries: group.entries.map((entry) => ({ ...entry, address: entry.address ? addressLines(entry.address, t).join(', ') : '' })),
    }));
    this.pages.send(request, response, 'list', { language, title: t.list.title, member: 'list', status: lists ? 200 : 503 }, { catchingUp: !lists, groups });
  }

  @Get('download')
  @ApiOperation({ summary: 'Download my data: the JSON document of GET /me/export, as a file.' })
  @ApiProduces('application/json')
  async download(@Req() request: RequestWithMember, @Res() response: Response): Promise<void> {
    const document = await this.myData.export(request.caller.memberId, this.clock.now());
    response.setHeader('Content-Disposition', `attachment; filename="${exportFileName(document)}"`).setHeader('Cache-Control', 'no-store').json(document);
  }

  @Get('erase')
  @ApiOperation({ summary: 'Erase my data: what it means, and the confirmation (HTML).' })
  @ApiProduces('text/html')
  async erasePage(@Req() request: RequestWithMember, @Res() response: Response): Promise<void> {
    this.showErase(request, response, await this.language(request), NO_ERRORS);
  }

  @Post('erase')
  @UseGuards(CsrfGuard)
  @ApiOperation({ summary: 'Erase my data once confirmed (form-encoded confirm=yes; EraseMemberCommand, as POST /me/erasure). Ends the session.' })
  @ApiProduces('text/html')
  async erase(@Body() raw: unknown, @Req() request: RequestWithMember, @Res() response: Response): Promise<void> {
    const language = await this.language(request);
    const t = TEXTS[language];
    if (formBody(raw).confirm !== 'yes') {
      const errors: FormErrors = { fields: { confirm: t.fieldErrors.confirm }, summary: [{ href: '#confirm', message: t.fieldErrors.confirm }] };
      return this.showErase(request, response, language, errors, 400);
    }
    const result = await this.commands.execute(new EraseMemberCommand(request.caller.memberId, 'member', commandContextOf(request, this.clock)));
    this.clearSession(response);
    const paragraphs = [
      t.erase.doneBody,
      result.recipientsNotified === null ? '' : fill(t.erase.notified, { count: result.recipientsNotified }),
      t.erase.receipts[result.receipt],
    ].filter(Boolean);
    this.pages.send(request, response, 'message', { language, title: t.erase.doneTitle }, { paragraphs });
  }

  @Post('sign-out')
  @UseGuards(CsrfGuard)
  @ApiOperation({ summary: 'Sign out: ends the session and removes its cookie.' })
  @ApiProduces('text/html')
  async signOut(@Req() request: RequestWithMember, @Res() response: Response): Promise<void> {
    const language = await this.language(request);
    const t = TEXTS[language].signIn;
    const token = (request.cookies as Record<string, string | undefined>)[webCookies(this.config).session.name];
    if (token) await this.sessions.end(token);
    this.clearSession(response);
    this.pages.send(request, response, 'message', { language, title: t.signedOutTitle }, { paragraphs: [t.signedOutBody], links: [{ href: `/me/sign-in?lang=${language}`, label: t.title }] });
  }

  /** The language the member chose on the pages, else their own. */
  private async language(request: RequestWithMember): Promise<Language> {
    return requestedLanguage(request) ?? (await this.directory.ownRecord(request.caller.memberId)).language;
  }

  private overviewLink(language: Language) {
    return { href: `/me/overview?lang=${language}`, label: TEXTS[language].member.nav.overview };
  }

  private showDetails(request: RequestWithMember, response: Response, language: Language, form: DetailsForm, errors: FormErrors, status = 200): void {
    const t = TEXTS[language];
    const countries = COUNTRIES.map((code) => ({ code, name: t.countries[code], selected: code === form.country }));
    this.pages.send(request, response, 'details', { language, title: t.details.title, member: 'details', status, hasErrors: errors.summary.length > 0 }, { form, errors, countries });
  }

  private async showConsent(request: RequestWithMember, response: Response, errors: FormErrors, status = 200): Promise<void> {
    const own = await this.myData.ownData(request.caller.memberId);
    const language = requestedLanguage(request) ?? own.language;
    const t = TEXTS[language].consent;
    const model = {
      errors,
      mayWithdraw: mayWithdraw(own),
      given: fill(t.active, { date: formatTime(language, own.consent.givenAt, false), version: own.consent.textVersion }),
      optIns: OPT_INS.filter((optIn) => own.optIns[optIn]).map((optIn) => ({ value: optIn, ...t.optIns[optIn] })),
    };
    this.pages.send(request, response, 'consent', { language, title: t.title, member: 'consent', status, hasErrors: errors.summary.length > 0 }, model);
  }

  private showErase(request: RequestWithMember, response: Response, language: Language, errors: FormErrors, status = 200): void {
    this.pages.send(request, response, 'erase', { language, title: TEXTS[language].erase.title, member: 'erase', status, hasErrors: errors.summary.length > 0 }, { errors });
  }

  /** A command refused for a rule of the member's state (a conflict) is shown on the page; anything else is an error page. */
  private refused(error: unknown, language: Language): FormErrors {
    const errors = formErrorsOf(error, TEXTS[language], 'DK');
    if (!errors) throw error;
    return errors;
  }

  private clearSession(response: Response): void {
    const { name, options } = webCookies(this.config).session;
    response.clearCookie(name, options);
  }
}

/**
 * The withdrawal command's own rule (isActive), applied to the status the page shows; the
 * directory's own statuses (erased, consent-lapsed) have no consent left to withdraw.
 */
function mayWithdraw({ status }: OwnData): boolean {
  return status !== 'erased' && status !== 'consent-lapsed' && isActive({ ...initialMemberState, exists: true, status });
}
