import { Body, Controller, Get, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { COUNTRIES, JoinNetworkDto } from '../../../contracts/commands/join-network.dto';
import { currentConsentText } from '../../../contracts/consent-texts';
import { DiagnosisCatalogue } from '../../../projections/diagnosis-catalogue/diagnosis-catalogue.queries';
import { Clock } from '../../domain/clock';
import { Public } from '../../http/access';
import { commandContextOf } from '../../http/command-context';
import { PER_ADDRESS, SignInThrottlerGuard } from '../../member-access/sign-in/sign-in-throttling';
import { JoinNetworkCommand } from '../../membership/join-network/join-network.command';
import { COUNTRY_EXAMPLES } from '../country-examples';
import { CsrfGuard } from '../csrf';
import { type FormErrors, NO_ERRORS, formBody, formCountry, formErrorsOf, validated } from '../forms';
import { LANGUAGES, TEXTS, chosenLanguage } from '../i18n';
import { WebErrorFilter } from '../web-error.filter';
import { WebPages, pageLanguage } from '../web-pages';
import { type JoinForm, emptyJoinForm, joinFormFrom, joinNetworkPayload } from './join-form';

/** The public sign-up: the form, and what it sends (the same JoinNetworkCommand as POST /commands/join-network). */
@ApiTags('web pages')
@Controller()
@UseFilters(WebErrorFilter)
export class SignUpPagesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly clock: Clock,
    private readonly catalogue: DiagnosisCatalogue,
    private readonly pages: WebPages,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'The front page: the sign-up form (HTML; ?lang=da|sv|nb|en).' })
  @ApiProduces('text/html')
  front(@Req() request: Request, @Res() response: Response): Promise<void> {
    return this.showForm(request, response, emptyJoinForm(pageLanguage(request)), NO_ERRORS);
  }

  @Get('join')
  @Public()
  @ApiOperation({ summary: 'The sign-up form (HTML; ?lang=da|sv|nb|en).' })
  @ApiProduces('text/html')
  join(@Req() request: Request, @Res() response: Response): Promise<void> {
    return this.showForm(request, response, emptyJoinForm(pageLanguage(request)), NO_ERRORS);
  }

  /**
   * The form's submit: a language switch (switchLanguage) shows the same form again in that
   * language; otherwise the sign-up is sent, and refused fields are shown at their place.
   * Rate-limited per client like the sign-in routes; not per address, so that a person who
   * corrects their form a few times is not locked out.
   */
  @Post('join')
  @Public()
  @UseGuards(SignInThrottlerGuard, CsrfGuard)
  @SkipThrottle({ [PER_ADDRESS]: true })
  @ApiOperation({ summary: 'Submit the sign-up form (application/x-www-form-urlencoded, with the form’s CSRF token).' })
  @ApiProduces('text/html')
  async submit(@Body() raw: unknown, @Req() request: Request, @Res() response: Response): Promise<void> {
    const body = formBody(raw);
    const switchTo = chosenLanguage(body.switchLanguage);
    const form = joinFormFrom(body, switchTo ?? pageLanguage(request));
    if (switchTo) return this.showForm(request, response, form, NO_ERRORS);
    const t = TEXTS[form.language];
    try {
      const payload = await validated(JoinNetworkDto, joinNetworkPayload(form));
      await this.commands.execute(new JoinNetworkCommand(payload, commandContextOf(request, this.clock)));
    } catch (error) {
      const errors = formErrorsOf(error, t, formCountry(form));
      if (!errors) throw error;
      return this.showForm(request, response, form, errors, 400);
    }
    this.pages.send(request, response, 'message', { language: form.language, title: t.joinSent.title }, { paragraphs: [t.joinSent.body], contactNote: t.joinSent.noMail });
  }

  private async showForm(request: Request, response: Response, form: JoinForm, errors: FormErrors, status = 200): Promise<void> {
    const { language } = form;
    const t = TEXTS[language];
    const consent = currentConsentText();
    const examples = (kind: 'postalCode' | 'phone') => COUNTRIES.map((country) => `${t.countries[country]} ${COUNTRY_EXAMPLES[country][kind]}`).join(' · ');
    this.pages.send(
      request,
      response,
      'join',
      { language, title: t.join.title, status, hasErrors: errors.summary.length > 0, languageLinks: false },
      {
        form: { ...form, consentVersion: consent.version },
        errors,
        isPatient: form.role === 'patient',
        isRelative: form.role === 'relative',
        diagnoses: await this.catalogue.openDiagnoses(),
        consent: { version: consent.version, text: consent.texts[language] },
        languageButtons: LANGUAGES.map((code) => ({ code, name: TEXTS[code].languageName, current: code === language })),
        countries: COUNTRIES.map((code) => ({ code, name: t.countries[code], selected: code === form.country })),
        relations: Object.entries(t.join.relations).map(([value, label]) => ({ value, label, selected: value === form.relation })),
        hints: { postalCode: `${t.join.postalCodeHint} ${examples('postalCode')}`, phone: `${t.join.phoneHint} ${examples('phone')}` },
      },
    );
  }
}
