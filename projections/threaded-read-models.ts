import { ContactListPlannerProjector } from './contact-list-planner/contact-list-planner.projector';
import { DisclosureLogProjector } from './disclosure-log/disclosure-log.projector';
import type { Projection } from './runner/projection';

/**
 * The read models that PROJECTION_THREADS=n applies in worker threads of their own: the first n,
 * the heaviest first (docs/PERFORMANCE.md). Each is made without the application's container
 * (it takes nothing from it), so a thread can make its own.
 */
export const THREADED_READ_MODELS: ReadonlyArray<new () => Projection> = [DisclosureLogProjector, ContactListPlannerProjector];
