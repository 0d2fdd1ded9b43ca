import { EventLog1764450000000 } from './1764450000000-event-log';
import { ProjectionCheckpoints1764450000001 } from './1764450000001-projection-checkpoints';
import { DataKeys1764450000002 } from './1764450000002-data-keys';
import { MemberEmailClaims1764450000003 } from './1764450000003-member-email-claims';
import { AppendStatement1764450000004 } from './1764450000004-append-statement';
import { Diagnoses1764460000000 } from './1764460000000-diagnoses';
import { Members1764470000000 } from './1764470000000-members';
import { MemberMail1764480000000 } from './1764480000000-member-mail';
import { ContactLists1764490000000 } from './1764490000000-contact-lists';
import { DisclosureLog1764491000000 } from './1764491000000-disclosure-log';
import { MemberSignIn1764500000000 } from './1764500000000-member-sign-in';
import { Erasure1764510000000 } from './1764510000000-erasure';
import { RightsRequests1764520000000 } from './1764520000000-rights-requests';
import { PortalDelivery1764530000000 } from './1764530000000-portal-delivery';
import { NetworkLife1764600000000 } from './1764600000000-network-life';
import { OrphanetCatalogue1764610000000 } from './1764610000000-orphanet-catalogue';
import { ConsentHandOver1764610000001 } from './1764610000001-consent-hand-over';
import { PrintQueue1764620000000 } from './1764620000000-print-queue';
import { RateLimits1764630000000 } from './1764630000000-rate-limits';
import { MasterKey1764630000001 } from './1764630000001-master-key';
import { MailingLetters1764640000000 } from './1764640000000-mailing-letters';
import { PlannerChangedDetails1764650000000 } from './1764650000000-planner-changed-details';
import { PlannerMemory1764660000000 } from './1764660000000-planner-memory';
import { DeferredIndexes1764670000000 } from './1764670000000-deferred-indexes';
import { DeferredUpkeep1764680000000 } from './1764680000000-deferred-upkeep';

/** Every migration, oldest first. Listed explicitly so the same list works from ts and dist. */
export const MIGRATIONS = [
  EventLog1764450000000,
  ProjectionCheckpoints1764450000001,
  DataKeys1764450000002,
  MemberEmailClaims1764450000003,
  AppendStatement1764450000004,
  Diagnoses1764460000000,
  Members1764470000000,
  MemberMail1764480000000,
  ContactLists1764490000000,
  DisclosureLog1764491000000,
  MemberSignIn1764500000000,
  Erasure1764510000000,
  RightsRequests1764520000000,
  PortalDelivery1764530000000,
  NetworkLife1764600000000,
  OrphanetCatalogue1764610000000,
  ConsentHandOver1764610000001,
  PrintQueue1764620000000,
  RateLimits1764630000000,
  MasterKey1764630000001,
  MailingLetters1764640000000,
  PlannerChangedDetails1764650000000,
  PlannerMemory1764660000000,
  DeferredIndexes1764670000000,
  DeferredUpkeep1764680000000,
];
