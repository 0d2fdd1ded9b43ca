import { Logger } from '@nestjs/common';
import { JsonLogger, loggerFor } from './json-logger';

describe('the JSON logger', () => {
  let lines: string[];
  let logger: JsonLogger;

  beforeEach(() => {
    lines = [];
    logger = new JsonLogger((line) => lines.push(line));
  });
  afterEach(() => Logger.overrideLogger(false));

  const entries = (): unknown[] => lines.map((line) => JSON.parse(line) as unknown);

  it('writes each message as one line of JSON with time, level, context and message', () => {
    logger.log('listening on port 3000', 'Main');
    logger.warn('paused: ConnectionError; retrying', 'Projection group-roster');

    expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
    expect(entries()).toEqual([
      { time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), level: 'log', context: 'Main', message: 'listening on port 3000' },
      { time: expect.any(String), level: 'warn', context: 'Projection group-roster', message: 'paused: ConnectionError; retrying' },
    ]);
  });

  it('is what Nest loggers write through when it is installed', () => {
    Logger.overrideLogger(logger);
    new Logger('ContactListSender').error('stopped: TypeError');
    expect(entries()).toEqual([{ time: expect.any(String), level: 'error', context: 'ContactListSender', message: 'stopped: TypeError' }]);
  });

  it('keeps the frames of a stack trace but not its first line, which repeats the error message', () => {
    const error = new Error('duplicate key value (email)=(anna@example.org)');
    logger.error('Unhandled Error', error.stack, 'HTTP');

    const [entry] = entries() as Array<{ message: string; frames: string[] }>;
    expect(entry.message).toBe('Unhandled Error');
    expect(entry.frames.length).toBeGreaterThan(0);
    expect(entry.frames.every((frame) => frame.startsWith('at '))).toBe(true);
    expect(lines.join()).not.toContain('anna@example.org');
  });

  it('logs an Error given as the message by its class name only', () => {
    logger.error(new TypeError('cannot read "anna@example.org"'), 'Bootstrap');
    expect(entries()).toEqual([{ time: expect.any(String), level: 'error', context: 'Bootstrap', message: 'TypeError' }]);
  });

  it('is chosen by LOG_FORMAT=json; the default keeps the pretty logger', () => {
    expect(loggerFor({ LOG_FORMAT: 'json' })).toBeInstanceOf(JsonLogger);
    expect(loggerFor({ LOG_FORMAT: 'pretty' })).toBeUndefined();
  });
});
