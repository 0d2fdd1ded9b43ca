import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from '../domain/domain-error';
import { EventStoreUnavailableError, WrongExpectedRevisionError } from '../event-store/event-store.port';
import { PROBLEM_CONTENT_TYPE, type Problem, ProblemException, problemType } from './problem';
import { InvalidInputException } from './validation';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  429: 'Too many requests',
  503: 'Service unavailable',
};

/**
 * Turns every error into application/problem+json. Only our own problems (ProblemException,
 * validation, conflicts) carry a detail; for anything else the client gets the status and a
 * generic title, since a framework message may quote the request, and an unexpected error is
 * logged by class name only.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const problem = this.toProblem(exception);
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  /** The problem an exception is answered with (the web pages' error filter shows its status as a page). */
  toProblem(exception: unknown): Problem {
    if (exception instanceof InvalidInputException) {
      return { type: problemType('validation'), title: 'Invalid input', status: 400, detail: 'One or more fields are invalid.', errors: exception.fieldErrors };
    }
    if (exception instanceof ProblemException) return exception.getResponse() as Problem;
    if (exception instanceof DomainError) return domainProblem(exception);
    if (exception instanceof WrongExpectedRevisionError) {
      return { type: problemType('concurrent-change'), title: 'Conflict', status: 409, detail: 'The record was changed by another request; retry.' };
    }
    if (exception instanceof EventStoreUnavailableError) {
      this.logger.warn(`event store unavailable (${exception.reason})`);
      return { type: problemType('event-store-unavailable'), title: TITLES[503], status: 503, detail: 'The event store cannot be reached right now; retry shortly.' };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return { type: problemType(slugOf(status)), title: TITLES[status] ?? 'Error', status, ...knownDetail(exception.cause) };
    }
    this.logger.error(`Unhandled ${exception instanceof Error ? exception.name : typeof exception}`);
    return { type: problemType('internal'), title: 'Internal error', status: HttpStatus.INTERNAL_SERVER_ERROR };
  }
}

const DOMAIN_STATUS: Record<DomainError['kind'], number> = { invalid: 400, forbidden: 403, 'not-found': 404, conflict: 409 };

/** A broken rule: its slug is the problem type; an input rule also names its field in `errors`. */
function domainProblem(error: DomainError): Problem {
  const status = DOMAIN_STATUS[error.kind];
  return {
    type: problemType(error.rule),
    title: TITLES[status],
    status,
    detail: error.detail,
    ...(error.field ? { errors: [{ field: error.field, message: error.detail }] } : {}),
  };
}

function slugOf(status: number): string {
  return (TITLES[status] ?? 'error').toLowerCase().replace(/ /g, '-');
}

/** Safe words for errors of the JSON body parser (whose own messages quote the body). */
function knownDetail(cause: unknown): { detail?: string } {
  const type = (cause as { type?: unknown } | undefined)?.type;
  if (type === 'entity.parse.failed') return { detail: 'The body is not valid JSON.' };
  if (type === 'entity.too.large') return { detail: 'The body is too large.' };
  return {};
}
