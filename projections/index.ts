import type { Type } from '@nestjs/common';
import type { Projection } from './runner/projection';
import { AdmissionsModule } from './admissions/admissions.module';
import { AdmissionsReactor } from './admissions/admissions.reactor';
import { ConsentHandOversModule } from './consent-hand-overs/consent-hand-overs.module';
import { ConsentHandOversProjector } from './consent-hand-overs/consent-hand-overs.projector';
import { ContactListPlannerModule } from './contact-list-planner/contact-list-planner.module';
import { ContactListPlannerProjector } from './contact-list-planner/contact-list-planner.projector';
import { DiagnosisCatalogueModule } from './diagnosis-catalogue/diagnosis-catalogue.module';
import { DiagnosisCatalogueProjector } from './diagnosis-catalogue/diagnosis-catalogue.projector';
import { DisclosureLogModule } from './disclosure-log/disclosure-log.module';
import { DisclosureLogProjector } from './disclosure-log/disclosure-log.projector';
import { ErasureCompletionModule } from './erasure-completion/erasure-completion.module';
import { ErasureCompletionReactor } from './erasure-completion/erasure-completion.reactor';
import { GroupRosterModule } from './group-roster/group-roster.module';
import { GroupRosterProjector } from './group-roster/group-roster.projector';
import { MailingJobsModule } from './mailing-jobs/mailing-jobs.module';
import { MailingJobsProjector } from './mailing-jobs/mailing-jobs.projector';
import { MemberDirectoryModule } from './member-directory/member-directory.module';
import { MemberDirectoryProjector } from './member-directory/member-directory.projector';
import { MemberMailModule } from './member-mail/member-mail.module';
import { MemberMailReactor } from './member-mail/member-mail.reactor';
import { RetentionCandidatesModule } from './retention-candidates/retention-candidates.module';
import { RetentionCandidatesProjector } from './retention-candidates/retention-candidates.projector';
import { RightsRequestsProjectionModule } from './rights-requests/rights-requests.module';
import { RightsRequestsProjector } from './rights-requests/rights-requests.projector';

/** The modules of every read model and reactor, each a folder beside this file. */
export const PROJECTION_MODULES: Array<Type<unknown>> = [DiagnosisCatalogueModule, AdmissionsModule, MemberMailModule, GroupRosterModule, MemberDirectoryModule, DisclosureLogModule, ContactListPlannerModule, ErasureCompletionModule, RightsRequestsProjectionModule, RetentionCandidatesModule, MailingJobsModule, ConsentHandOversModule];

/** Every projection the runner drives (each provided by one of the modules above). */
export const ALL_PROJECTIONS: Array<Type<Projection>> = [DiagnosisCatalogueProjector, AdmissionsReactor, MemberMailReactor, GroupRosterProjector, MemberDirectoryProjector, DisclosureLogProjector, ContactListPlannerProjector, ErasureCompletionReactor, RightsRequestsProjector, RetentionCandidatesProjector, MailingJobsProjector, ConsentHandOversProjector];
