import { HttpException } from '@nestjs/common';

/** An RFC 9457 problem document, the body of every error response. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  /** For validation problems: each bad field (dotted path) and what is wrong with it. */
  errors?: FieldError[];
}

export interface FieldError {
  field: string;
  message: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Problem types are relative URIs under /problems/, documented in the OpenAPI document. */
export function problemType(slug: string): string {
  return `/problems/${slug}`;
}

/**
 * An error whose detail we wrote ourselves and may show to the client. Any other error's
 * message is never shown: it may quote the request (a path, a body) or internals.
 */
export class ProblemException extends HttpException {
  constructor(status: number, slug: string, title: string, detail: string) {
    super({ type: problemType(slug), title, status, detail } satisfies Problem, status);
  }
}
