import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import type { OnApplicationShutdown } from '@nestjs/common';
import { type Clock, SystemClock } from '../domain/clock';
import { composeMail } from './compose-mail';
import { MailRejectedError, MailTransport, type OutgoingMail } from './mail-transport';

export interface SesMailTransportOptions {
  region: string;
  /** Another endpoint than AWS's for the region, e.g. the local emulator aws-ses-v2-local. */
  endpoint?: string;
  from: string;
  /** Unset: the AWS SDK's usual sources (environment, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** Errors that say this message will never be accepted (rather than: not now), e.g. a malformed address. */
const REJECTIONS = new Set(['MessageRejected', 'InvalidParameterValue']);

/** Amazon SES (v1 API, SendRawEmail), sending the same bytes as the file sink writes. */
export class SesMailTransport extends MailTransport implements OnApplicationShutdown {
  private readonly client: SESClient;

  constructor(
    private readonly options: SesMailTransportOptions,
    private readonly clock: Clock = new SystemClock(),
  ) {
    super();
    this.client = new SESClient({
      region: options.region,
      endpoint: options.endpoint,
      credentials: options.credentials,
      // One try: the caller owns retries (and knows whether a retry could send twice).
      maxAttempts: 1,
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 20_000 },
    });
  }

  async send(message: OutgoingMail): Promise<{ providerMessageId: string }> {
    const { raw } = await composeMail(this.options.from, message, this.clock.now());
    try {
      const result = await this.client.send(new SendRawEmailCommand({ Source: this.options.from, Destinations: [message.to], RawMessage: { Data: raw } }));
      return { providerMessageId: result.MessageId ?? '' };
    } catch (error) {
      // A rejection carries on only the error's name: SES messages can quote the addresses
      // involved. Other errors (throttling, network) go to the caller, which may retry.
      const name = error instanceof Error ? error.name : 'unknown';
      if (REJECTIONS.has(name)) throw new MailRejectedError(name);
      throw error;
    }
  }

  onApplicationShutdown(): void {
    this.client.destroy();
  }
}
