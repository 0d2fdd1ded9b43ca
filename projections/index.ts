import type { Type } from '@nestjs/common';
import type { Projection } from './runner/projection';

/** The modules of every read model and reactor, each a folder beside this file. */
export const PROJECTION_MODULES: Array<Type<unknown>> = [];

/** Every projection the runner drives (each provided by one of the modules above). */
export const ALL_PROJECTIONS: Array<Type<Projection>> = [];
