import type { LoggerService, LogLevel } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';

/**
 * One JSON object per line, for a log collector (LOG_FORMAT=json): time, level, context, message.
 * The messages are the service's own, which name no person (a rule every logger call keeps). An
 * Error given as the message is logged by its class name, and a stack trace only by its frames:
 * the first line of a stack repeats the error's message, which may quote data.
 */
export class JsonLogger implements LoggerService {
  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(line)) {}

  log(message: unknown, ...params: unknown[]): void {
    this.emit('log', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.emit('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.emit('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.emit('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.emit('verbose', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.emit('fatal', message, params);
  }

  private emit(level: LogLevel, message: unknown, params: unknown[]): void {
    // Nest passes the context last; error() may pass a stack trace before it.
    const context = params.length > 0 && typeof params[params.length - 1] === 'string' ? (params[params.length - 1] as string) : undefined;
    const stack = params.find((param): param is string => typeof param === 'string' && param !== context && param.includes('\n    at '));
    const entry = {
      time: new Date().toISOString(),
      level,
      context,
      message: message instanceof Error ? message.name : typeof message === 'string' ? message : JSON.stringify(message),
      ...(stack ? { frames: stack.split('\n').filter((line) => line.trimStart().startsWith('at ')).map((line) => line.trim()) } : {}),
    };
    this.write(`${JSON.stringify(entry)}\n`);
  }
}

/** The logger LOG_FORMAT asks for; undefined keeps Nest's own (pretty) one. */
export function loggerFor(config: Pick<AppConfig, 'LOG_FORMAT'>): LoggerService | undefined {
  return config.LOG_FORMAT === 'json' ? new JsonLogger() : undefined;
}
