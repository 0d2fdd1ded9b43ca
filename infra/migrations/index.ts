import { EventLog1764450000000 } from './1764450000000-event-log';
import { ProjectionCheckpoints1764450000001 } from './1764450000001-projection-checkpoints';
import { DataKeys1764450000002 } from './1764450000002-data-keys';

/** Every migration, oldest first. Listed explicitly so the same list works from ts and dist. */
export const MIGRATIONS = [EventLog1764450000000, ProjectionCheckpoints1764450000001, DataKeys1764450000002];
