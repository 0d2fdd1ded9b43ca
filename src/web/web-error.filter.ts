import { type ArgumentsHost, Catch, type ExceptionFilter, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ProblemDetailsFilter } from '../http/problem-details.filter';
import { InvalidCsrfTokenException } from './csrf';
import { TEXTS, type WebTexts } from './i18n';
import { WebPages, pageLanguage, requestedLanguage } from './web-pages';

type ErrorKind = keyof WebTexts['errors'];

/**
 * The pages' errors as pages, in the visitor's language, with the status the API would answer
 * (ProblemDetailsFilter.toProblem, which also logs an unexpected error, by class name only). A
 * member page without a live session sends the browser to the sign-in page instead.
 */
@Injectable()
@Catch()
export class WebErrorFilter implements ExceptionFilter {
  private readonly problems = new ProblemDetailsFilter();

  constructor(private readonly pages: WebPages) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    const { status } = this.problems.toProblem(exception);
    if (status === 401) {
      const chosen = requestedLanguage(request);
      return response.redirect(303, chosen ? `/me/sign-in?lang=${chosen}` : '/me/sign-in');
    }
    const language = pageLanguage(request);
    const texts = TEXTS[language].errors[kindOf(exception, status)];
    this.pages.send(request, response, 'message', { language, title: texts.title, status }, { paragraphs: [texts.body], links: [{ href: `/?lang=${language}`, label: TEXTS[language].layout.frontPage }] });
  }
}

function kindOf(exception: unknown, status: number): ErrorKind {
  if (exception instanceof InvalidCsrfTokenException) return 'csrf';
  if (status === 404) return 'notFound';
  if (status === 409) return 'conflict';
  if (status === 413) return 'tooLarge';
  if (status === 429) return 'tooMany';
  return 'other';
}
