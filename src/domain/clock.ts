import { randomUUID } from 'node:crypto';

/** Time and new ids come into commands from here, so handlers and tests control them. */
export abstract class Clock {
  abstract now(): Date;
}

export abstract class IdGenerator {
  abstract newId(): string;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

export class RandomIds extends IdGenerator {
  newId(): string {
    return randomUUID();
  }
}
