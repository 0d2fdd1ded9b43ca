import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { urlencoded } from 'express';
import { ContactListsModule } from '../contact-lists/contact-lists.module';
import { MemberAccessModule } from '../member-access/member-access.module';
import { AssetsController } from './assets.controller';
import { CsrfTokens } from './csrf';
import { SelfServicePagesController } from './self-service/self-service-pages.controller';
import { SignInPagesController } from './self-service/sign-in-pages.controller';
import { SignUpPagesController } from './sign-up/sign-up-pages.controller';
import { VerifyPagesController } from './verify/verify-pages.controller';
import { ConsentHandOverPagesController } from './consent-hand-over/consent-hand-over-pages.controller';
import { WebPages } from './web-pages';
import { WebViews } from './web-views';

const PAGES = [SignUpPagesController, VerifyPagesController, ConsentHandOverPagesController, SignInPagesController, SelfServicePagesController];

/**
 * The web pages: the public sign-up, the verification link's landing page, and the member pages.
 * They send the same commands and read the same queries as the API, in process. Only these pages
 * parse form posts (urlencoded); the API keeps taking JSON alone.
 */
@Module({
  imports: [MemberAccessModule, ContactListsModule],
  controllers: [...PAGES, AssetsController],
  providers: [WebViews, WebPages, CsrfTokens],
})
export class WebModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(urlencoded({ extended: false, limit: '20kb', parameterLimit: 100 })).forRoutes(...PAGES);
  }
}
